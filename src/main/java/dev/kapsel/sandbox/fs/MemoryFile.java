package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.util.Arrays;

/** A regular file of the writable upper layer, held in memory and charged to the {@link UpperQuota}. */
public final class MemoryFile extends Node implements FileData {
    private final UpperQuota quota;
    private byte[] bytes = new byte[0];
    private long size;
    private int mode;
    private long mtime = System.currentTimeMillis() / 1000;
    /** Names in the directory tree (st_nlink), counted by the directories that add and remove it. */
    private int links;
    /** Open descriptions and areas mapping it shared: an unlinked file keeps its bytes while any is left (an orphan inode). */
    private int holders;

    public MemoryFile(UpperQuota quota, int mode) {
        this.quota = quota;
        this.mode = mode & 07777;
    }

    public void chmod(int mode) {
        this.mode = mode & 07777;
    }

    @Override
    public Stat stat() {
        return new Stat(2, ino(), S_IFREG | mode, links, 0, 0, 0, size, mtime, 0);
    }

    void linked() {
        links++;
    }

    /** One name fewer; the last one frees the memory, once no descriptor or mapping holds the file either. */
    void unlinked() {
        links = Math.max(0, links - 1);
        if (links == 0 && holders == 0) {
            discard();
        }
    }

    @Override
    public void hold() {
        holders++;
    }

    @Override
    public void drop() {
        holders--;
        if (links == 0 && holders == 0) {
            discard();
        }
    }

    @Override
    public void release() {
        drop();
    }

    @Override
    public OpenFile open(int flags) {
        holders++;
        if ((flags & 01000) != 0 && (flags & 3) != 0) {
            truncate(0);
            if (pages() != null) {
                pages().truncated(0);
            }
        }
        return new RegularHandle(this, this, flags);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] dst, int offset, int length) {
        if (position >= size) {
            return 0;
        }
        int n = (int) Math.min(length, size - position);
        System.arraycopy(bytes, (int) position, dst, offset, n);
        return n;
    }

    @Override
    public int write(long position, byte[] src, int offset, int length) {
        long end = position + length;
        if (end < position || end > Integer.MAX_VALUE - 16) {
            throw new ErrnoException(Errno.EFBIG);
        }
        ensure(end);
        System.arraycopy(src, offset, bytes, (int) position, length);
        size = Math.max(size, end);
        mtime = System.currentTimeMillis() / 1000;
        return length;
    }

    private void ensure(long end) {
        if (end > bytes.length) {
            long cap = Math.max(end, Math.min(Integer.MAX_VALUE - 16, bytes.length * 2L));
            quota.charge(cap - bytes.length);
            bytes = Arrays.copyOf(bytes, (int) cap);
        }
    }

    @Override
    public void truncate(long newSize) {
        if (newSize < 0 || newSize > Integer.MAX_VALUE - 16) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (newSize > size) {
            ensure(newSize);
        } else {
            Arrays.fill(bytes, (int) newSize, (int) size, (byte) 0);
        }
        size = newSize;
    }

    @Override
    public boolean writable() {
        return true;
    }

    private void discard() {
        quota.release(bytes.length);
        bytes = new byte[0];
        size = 0;
    }
}
