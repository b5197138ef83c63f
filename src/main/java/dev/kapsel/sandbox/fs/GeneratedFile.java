package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** A read-only file whose text is produced when it is opened (/proc/meminfo and friends). */
public final class GeneratedFile extends Node {
    private final Supplier<String> content;

    public GeneratedFile(Supplier<String> content) {
        this.content = content;
    }

    @Override
    public Stat stat() {
        return new Stat(5, ino(), S_IFREG | 0444, 1, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        if ((flags & 3) != 0) {
            throw new ErrnoException(Errno.EACCES);
        }
        byte[] bytes = content.get().getBytes(StandardCharsets.UTF_8);
        FileData data = new FileData() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public int read(long position, byte[] dst, int offset, int length) {
                if (position >= bytes.length) {
                    return 0;
                }
                int n = (int) Math.min(length, bytes.length - position);
                System.arraycopy(bytes, (int) position, dst, offset, n);
                return n;
            }

            @Override
            public int write(long position, byte[] src, int offset, int length) {
                throw new ErrnoException(Errno.EBADF);
            }

            @Override
            public void truncate(long size) {
                throw new ErrnoException(Errno.EACCES);
            }

            @Override
            public boolean writable() {
                return false;
            }
        };
        return new RegularHandle(this, data, flags);
    }
}
