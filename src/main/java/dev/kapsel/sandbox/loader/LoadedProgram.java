package dev.kapsel.sandbox.loader;

/** Where a program was placed: entry point, program headers in memory, load bias and the end of its image. */
public record LoadedProgram(long entry, long phdrAddress, int phnum, long bias, long imageEnd) {}
