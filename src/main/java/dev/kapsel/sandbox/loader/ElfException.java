package dev.kapsel.sandbox.loader;

/** The file is not an x86-64 executable this loader can start (ENOEXEC). */
public final class ElfException extends RuntimeException {
    public ElfException(String message) {
        super(message);
    }
}
