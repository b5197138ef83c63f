package dev.kapsel.sandbox.fs;

import dev.kapsel.memory.LittleEndian;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sys.Errno;

/** An eventfd: a 64-bit counter that writes add to and reads take (all of it, or one with EFD_SEMAPHORE). */
public final class EventFdFile extends AnonInodeFile {
    public static final int EFD_SEMAPHORE = 1;
    private static final long MAX = 0xffff_ffff_ffff_fffeL;
    private final KernelLock lock;
    private final boolean semaphore;
    private long counter;

    public EventFdFile(KernelLock lock, long initial, int flags) {
        super(flags);
        this.lock = lock;
        this.counter = initial & 0xffffffffL;
        this.semaphore = (flags & EFD_SEMAPHORE) != 0;
    }

    @Override
    public int read(byte[] buf, int length) {
        if (length < 8) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (counter == 0) {
            if ((statusFlags() & O_NONBLOCK) != 0) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> counter != 0, Long.MAX_VALUE);
        }
        long v = semaphore ? 1 : counter;
        counter -= v;
        LittleEndian.put64(buf, 0, v);
        lock.wakeAll();
        return 8;
    }

    @Override
    public int write(byte[] buf, int offset, int length) {
        if (length < 8) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[offset + i] & 0xff);
        }
        if (v == -1L) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long add = v;
        if (Long.compareUnsigned(MAX - counter, add) < 0) {
            if ((statusFlags() & O_NONBLOCK) != 0) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> Long.compareUnsigned(MAX - counter, add) >= 0, Long.MAX_VALUE);
        }
        counter += add;
        lock.wakeAll();
        return 8;
    }

    @Override
    public int poll() {
        return (counter != 0 ? POLLIN : 0) | (counter != MAX ? POLLOUT : 0);
    }
}
