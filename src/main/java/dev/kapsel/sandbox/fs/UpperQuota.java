package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/** How many bytes the writable layer may hold; beyond it writes fail with ENOSPC. */
public final class UpperQuota {
    private final long limit;
    private long used;

    public UpperQuota(long limit) {
        this.limit = limit;
    }

    void charge(long bytes) {
        if (bytes > limit - used) {
            throw new ErrnoException(Errno.ENOSPC);
        }
        used += bytes;
    }

    void release(long bytes) {
        used = Math.max(0, used - bytes);
    }

    /** The most bytes the layer may hold. */
    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }
}
