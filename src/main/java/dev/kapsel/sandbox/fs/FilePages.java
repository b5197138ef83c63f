package dev.kapsel.sandbox.fs;

/**
 * The pages of a file that shared mappings hold (its page cache, in guest frames; Linux's
 * {@code inode->i_mapping}). While a page is cached it is newer than the file's bytes: reads copy
 * it over what the file gave, writes and truncation update it too, so {@code read}/{@code write}
 * and a {@code MAP_SHARED} mapping see the same bytes.
 */
public interface FilePages {
    /** Copies the cached bytes of {@code [position, position+length)} over {@code dst} (which holds the file's). */
    void overlay(long position, byte[] dst, int offset, int length);

    /** The file's bytes {@code [position, position+length)} were written: cached pages take them too. */
    void written(long position, byte[] src, int offset, int length);

    /** The file is now {@code size} bytes long: cached bytes beyond it read as zeros. */
    void truncated(long size);
}
