package dev.kapsel.sandbox.fs;

/**
 * The bytes of a regular file, read and (if writable) written at a position: in memory
 * ({@link MemoryFile}), in the image ({@link HostFile}) or in a shared host directory
 * ({@link HostFileData}). File mappings read through it too, so a page cache plugs in here.
 */
public interface FileData {
    long size();

    int read(long position, byte[] dst, int offset, int length);

    int write(long position, byte[] src, int offset, int length);

    void truncate(long size);

    boolean writable();

    /** A mapping was made from the open file: keep what backs it readable after the last close. */
    default void pin() {
    }

    /** The last descriptor of the open file was closed. */
    default void release() {
    }

    /** A holder besides open descriptions (areas mapping the file, a SysV segment) keeps the bytes from now on. */
    default void hold() {
    }

    /** That holder lets go ({@link #hold()}); files with names in the tree ignore both. */
    default void drop() {
    }
}
