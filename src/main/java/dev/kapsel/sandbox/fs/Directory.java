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
