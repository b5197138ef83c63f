package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.util.List;

/** A directory: looks names up, lists, and (if writable) adds and removes entries. */
public abstract class Directory extends Node {
    /** The child called {@code name}, or null. {@code name} is one validated path component. */
    public abstract Node lookup(String name);

    /** Names of the entries, without "." and "..". */
    public abstract List<String> list();

    /** An entry as getdents64 reports it; {@code type} -1 when only a lookup can tell. */
    public record Entry(String name, long ino, int type) {}

    /** The entries with what is known of them without a lookup (here: nothing). */
    public List<Entry> entries() {
        return list().stream().map(n -> new Entry(n, 0, -1)).toList();
    }

    public void add(String name, Node node) {
        throw new ErrnoException(Errno.EROFS);
    }

    public void remove(String name) {
        throw new ErrnoException(Errno.EROFS);
    }

    @Override
    public OpenFile open(int flags) {
        if ((flags & 3) != 0) {
            throw new ErrnoException(Errno.EISDIR);
        }
        return new DirectoryHandle(this, flags);
    }
}
