package dev.kapsel.sandbox.fs;

/** The bytes of a regular file, read and (if writable) written at a position. */
public interface FileData {
    long size();

    int read(long position, byte[] dst, int offset, int length);

    int write(long position, byte[] src, int offset, int length);

    void truncate(long size);

    boolean writable();
}
