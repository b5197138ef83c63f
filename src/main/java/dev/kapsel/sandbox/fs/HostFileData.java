package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bytes of an open host file of a {@link HostShare}: pread/pwrite/ftruncate on its descriptor.
 * The descriptor closes with the last sandbox descriptor of the open file unless a mapping was made
 * from it ({@link #pin()}), which reads it later; then it closes when the mapping is gone.
 */
final class HostFileData implements FileData {
    private final HostHandle handle;
    private final boolean writable;
    private boolean pinned;

    HostFileData(HostHandle handle, boolean writable) {
        this.handle = handle;
        this.writable = writable;
    }

    @Override
    public long size() {
        return HostShare.statOf(handle.fd(), new byte[0], "").size();
    }

    @Override
    public int read(long position, byte[] dst, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(length);
            int n = (int) HostShare.check(FileCalls.pread(handle.fd(), buf, position));
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, dst, offset, n);
            return n;
        }
    }

    @Override
    public int write(long position, byte[] src, int offset, int length) {
        if (!writable) {
            throw new ErrnoException(Errno.EBADF);
        }
        if (length == 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(length);
            MemorySegment.copy(src, offset, buf, ValueLayout.JAVA_BYTE, 0, length);
            return (int) HostShare.check(FileCalls.pwrite(handle.fd(), buf, position));
        }
    }

    @Override
    public void truncate(long size) {
        if (!writable) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (size < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        HostShare.check(FileCalls.ftruncate(handle.fd(), size));
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public void pin() {
        pinned = true;
    }

    @Override
    public void release() {
        if (!pinned) {
            handle.close();
        }
    }
}
