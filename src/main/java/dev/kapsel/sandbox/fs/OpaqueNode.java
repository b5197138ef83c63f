package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/** A host device, FIFO or socket found in the image: visible to stat, never opened. */
public final class OpaqueNode extends Node {
    private final Stat stat;

    OpaqueNode(Stat stat) {
        this.stat = stat;
    }

    @Override
    public Stat stat() {
        return stat;
    }

    @Override
    public OpenFile open(int flags) {
        throw new ErrnoException(Errno.EACCES);
    }
}
