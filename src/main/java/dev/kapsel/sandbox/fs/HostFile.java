package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A regular file of the read-only lower layer (the unpacked image). The host path was built by
 * {@link OverlayDirectory} from validated components and is opened with O_NOFOLLOW, so it is
 * always inside the root. Writing copies the file up into memory first (see {@link OverlayDirectory}).
 */
public final class HostFile extends Node {
    private final Path path;
    private final Stat stat;

    HostFile(Path path, Stat stat) {
        this.path = path;
        this.stat = stat;
    }

    @Override
    public Stat stat() {
        return new Stat(stat.dev(), ino(), stat.mode(), stat.nlink(), stat.uid(), stat.gid(), 0, stat.size(),
                stat.mtimeSec(), stat.mtimeNsec());
    }

    Path hostPath() {
        return path;
    }

    @Override
    public OpenFile open(int flags) {
        if ((flags & 3) != 0) {
            throw new ErrnoException(Errno.EROFS); // OverlayDirectory copies up before writes reach here
        }
        return new RegularHandle(this, data(), flags);
    }

    /** The whole content (for loading programs and copying up). */
    public byte[] readAll(long limit) {
        FileData d = data();
        if (d.size() > limit) {
            throw new ErrnoException(Errno.EFBIG);
        }
        byte[] out = new byte[(int) d.size()];
        int got = 0;
        while (got < out.length) {
            int n = d.read(got, out, got, out.length - got);
            if (n <= 0) {
                break;
            }
            got += n;
        }
        return got == out.length ? out : java.util.Arrays.copyOf(out, got);
    }

    FileData data() {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new ErrnoException(Errno.EACCES);
        }
        return new FileData() {
            @Override
            public long size() {
                try {
                    return ch.size();
                } catch (IOException e) {
                    throw new ErrnoException(Errno.EIO);
                }
            }

            @Override
            public int read(long position, byte[] dst, int offset, int length) {
                try {
                    int n = ch.read(ByteBuffer.wrap(dst, offset, length), position);
                    return Math.max(n, 0);
                } catch (IOException e) {
                    throw new ErrnoException(Errno.EIO);
                }
            }

            @Override
            public int write(long position, byte[] src, int offset, int length) {
                throw new ErrnoException(Errno.EBADF);
            }

            @Override
            public void truncate(long size) {
                throw new ErrnoException(Errno.EROFS);
            }

            @Override
            public boolean writable() {
                return false;
            }
        };
    }
}
