package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file of shared memory with no name in the tree (Linux's shmem): what {@code memfd_create},
 * a {@code MAP_SHARED|MAP_ANONYMOUS} mapping and a SysV segment hold. Its bytes are kept a page
 * at a time, only pages that were written, each charged to the sandbox's shared-memory quota (the
 * guest's RAM, as tmpfs defaults to). A memfd may carry seals ({@code fcntl(F_ADD_SEALS)}).
 */
public final class ShmemFile extends Node implements FileData {
    public static final int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8, F_SEAL_FUTURE_WRITE = 0x10;
    private static final int PAGE = 4096;
    /** Files beyond this are EFBIG (MAX_LFS_FILESIZE is larger; no program here needs more). */
    public static final long MAX_SIZE = 1L << 40;
    private final UpperQuota quota;
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private long size;
    private int seals;
    private final long mtime = System.currentTimeMillis() / 1000;
    /** Open descriptions plus {@link #hold()}ers; at zero nothing can reach the bytes and they go. */
    private int holders;

    /** {@code sealable} false: the file starts with F_SEAL_SEAL, so no seal can ever be added. */
    public ShmemFile(UpperQuota quota, boolean sealable) {
        this.quota = quota;
        this.seals = sealable ? 0 : F_SEAL_SEAL;
    }

    @Override
    public Stat stat() {
        return new Stat(6, ino(), S_IFREG | 0777, 1, 0, 0, 0, size, mtime, 0);
    }

    @Override
    public OpenFile open(int flags) {
        holders++;
        return new RegularHandle(this, this, flags);
    }

    @Override
    public void release() {
        drop();
    }

    @Override
    public void hold() {
        holders++;
    }

    @Override
    public void drop() {
        if (--holders == 0) {
            quota.release(heldBytes());
            pages.clear();
        }
    }

    @Override
    public long size() {
        return size;
    }

    public int seals() {
        return seals;
    }

    /** F_ADD_SEALS: EPERM once F_SEAL_SEAL is set. */
    public void addSeals(int more) {
        if ((more & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if ((seals & F_SEAL_SEAL) != 0) {
            throw new ErrnoException(Errno.EPERM);
        }
        seals |= more;
    }

    /** May a shared mapping of this file be writable (F_SEAL_WRITE and F_SEAL_FUTURE_WRITE forbid it)? */
    public boolean writeSealed() {
        return (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0;
    }

    @Override
    public int read(long position, byte[] dst, int offset, int length) {
        if (position >= size) {
            return 0;
        }
        int n = (int) Math.min(length, size - position);
        Arrays.fill(dst, offset, offset + n, (byte) 0);
        for (int done = 0; done < n; ) {
            long at = position + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(n - done, PAGE - inPage);
            byte[] page = pages.get(at / PAGE);
            if (page != null) {
                System.arraycopy(page, inPage, dst, offset + done, chunk);
            }
            done += chunk;
        }
        return n;
    }

    @Override
    public int write(long position, byte[] src, int offset, int length) {
        if (writeSealed()) {
            throw new ErrnoException(Errno.EPERM);
        }
        return store(position, src, offset, length);
    }

    /** Writes without the write seals: a shared mapping's pages going back to their file. */
    public int store(long position, byte[] src, int offset, int length) {
        long end = position + length;
        if (end < position || end > MAX_SIZE) {
            throw new ErrnoException(Errno.EFBIG);
        }
        if (end > size && (seals & F_SEAL_GROW) != 0) {
            throw new ErrnoException(Errno.EPERM);
        }
        for (int done = 0; done < length; ) {
            long at = position + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(length - done, PAGE - inPage);
            byte[] page = pages.get(at / PAGE);
            if (page == null) {
                quota.charge(PAGE);
                page = new byte[PAGE];
                pages.put(at / PAGE, page);
            }
            System.arraycopy(src, offset + done, page, inPage, chunk);
            done += chunk;
        }
        size = Math.max(size, end);
        return length;
    }

    @Override
    public void truncate(long newSize) {
        if (newSize < 0 || newSize > MAX_SIZE) {
            throw new ErrnoException(newSize < 0 ? Errno.EINVAL : Errno.EFBIG);
        }
        if ((newSize < size && (seals & F_SEAL_SHRINK) != 0) || (newSize > size && (seals & F_SEAL_GROW) != 0)) {
            throw new ErrnoException(Errno.EPERM);
        }
        Map<Long, byte[]> beyond = pages.tailMap((newSize + PAGE - 1) / PAGE, true);
        quota.release((long) beyond.size() * PAGE);
        beyond.clear();
        byte[] last = pages.get(newSize / PAGE);
        if (last != null) {
            Arrays.fill(last, (int) (newSize % PAGE), PAGE, (byte) 0);
        }
        size = newSize;
    }

    @Override
    public boolean writable() {
        return true;
    }

    /** Bytes held now (for tests): written pages only. */
    public long heldBytes() {
        return (long) pages.size() * PAGE;
    }
}
