package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sys.Errno;
import java.util.function.BooleanSupplier;

/**
 * A named pipe (fifo(7)) of the writable layer, made by mknod/mkfifo: each open gives an end of
 * the one {@link Pipe} behind it. As Linux: opening for reading waits until a writer opens (at once
 * with O_NONBLOCK), opening for writing waits until a reader opens (ENXIO with O_NONBLOCK and no
 * reader). The waits release the kernel lock and end with a signal. O_RDWR is not offered (EINVAL):
 * Linux gives it both ends, which a pipe end here cannot be.
 */
public final class Fifo extends Node {
    private final KernelLock lock;
    private final Pipe pipe;
    private final int mode;
    /** How many times each end was opened, so a waiting open sees a peer that came and went. */
    private long readerOpens, writerOpens;

    public Fifo(KernelLock lock, int mode) {
        this.lock = lock;
        this.pipe = new Pipe(lock);
        this.mode = mode & 07777;
    }

    @Override
    public Stat stat() {
        return new Stat(2, ino(), S_IFIFO | mode, 1, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        boolean nonBlocking = (flags & OpenFile.O_NONBLOCK) != 0;
        switch (flags & 3) {
            case 0 -> {
                OpenFile end = pipe.readEnd(flags & OpenFile.O_NONBLOCK);
                readerOpens++;
                long seen = writerOpens;
                if (nonBlocking) {
                    lock.wakeAll(); // a writer waiting for a reader goes on
                    return end;
                }
                return awaitPeer(end, () -> pipe.writers() > 0 || writerOpens != seen);
            }
            case 1 -> {
                if (nonBlocking && pipe.readers() == 0) {
                    throw new ErrnoException(Errno.ENXIO);
                }
                OpenFile end = pipe.writeEnd(flags & OpenFile.O_NONBLOCK);
                writerOpens++;
                long seen = readerOpens;
                return awaitPeer(end, () -> pipe.readers() > 0 || readerOpens != seen);
            }
            default -> throw new ErrnoException(Errno.EINVAL);
        }
    }

    /** Wakes a peer waiting for this open, then waits for {@code peer}; a signal closes {@code end} again. */
    private OpenFile awaitPeer(OpenFile end, BooleanSupplier peer) {
        lock.wakeAll();
        try {
            lock.await(peer, Long.MAX_VALUE);
        } catch (ErrnoException e) {
            end.close();
            throw e;
        }
        return end;
    }
}
