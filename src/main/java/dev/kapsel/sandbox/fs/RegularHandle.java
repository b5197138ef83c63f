package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;

/** An open regular file: a position over {@link FileData}, honouring the access mode and O_APPEND. */
public final class RegularHandle implements OpenFile {
    public static final int O_APPEND = 02000;
    private final Node node;
    private final FileData data;
    private int flags;
    private long position;

    public RegularHandle(Node node, FileData data, int flags) {
        this.node = node;
        this.data = data;
        this.flags = flags;
    }

    private boolean readable() {
        return (flags & 3) != 1;
    }

    private boolean writable() {
        return (flags & 3) != 0;
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public int read(byte[] buf, int length) {
        int n = pread(buf, length, position);
        position += n;
        return n;
    }

    @Override
    public int pread(byte[] buf, int length, long pos) {
        if (!readable()) {
            throw new ErrnoException(Errno.EBADF);
        }
        if (pos < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int n = data.read(pos, buf, 0, length);
        FilePages pages = node.pages();
        if (pages != null && n > 0) {
            pages.overlay(pos, buf, 0, n);
        }
        return n;
    }

    @Override
    public int write(byte[] buf, int offset, int length) {
        if (!writable()) {
            throw new ErrnoException(Errno.EBADF);
        }
        if ((flags & O_APPEND) != 0) {
            position = data.size();
        }
        int n = written(position, buf, offset, data.write(position, buf, offset, length));
        position += n;
        return n;
    }

    @Override
    public int pwrite(byte[] buf, int length, long pos) {
        if (!writable()) {
            throw new ErrnoException(Errno.EBADF);
        }
        if (pos < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return written(pos, buf, 0, data.write(pos, buf, 0, length));
    }

    private int written(long pos, byte[] buf, int offset, int n) {
        FilePages pages = node.pages();
        if (pages != null && n > 0) {
            pages.written(pos, buf, offset, n);
        }
        return n;
    }

    @Override
    public long seek(long offset, int whence) {
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> position;
            case SEEK_END -> data.size();
            default -> throw new ErrnoException(Errno.EINVAL);
        };
        long p = base + offset;
        if ((offset > 0 && p < base) || p < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        position = p;
        return p;
    }

    public void truncate(long size) {
        if (!writable()) {
            throw new ErrnoException(Errno.EINVAL);
        }
        data.truncate(size);
        if (node.pages() != null) {
            node.pages().truncated(size);
        }
    }

    /** The bytes behind this description: what a shared mapping of it caches. */
    public FileData data() {
        return data;
    }

    /** A mapping reads the file through this description from now on, after its last close too. */
    public void pinForMapping() {
        data.pin();
    }

    @Override
    public void close() {
        data.release();
    }

    @Override
    public int statusFlags() {
        return flags;
    }

    @Override
    public void setStatusFlags(int flags) {
        this.flags = flags;
    }
}
