package dev.kapsel.sandbox.syscall;

import static dev.kapsel.sandbox.syscall.Arg.FD;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.SandboxProcess;
import dev.kapsel.sandbox.fs.Directory;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.RegularHandle;
import dev.kapsel.sandbox.fs.ShmemFile;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.mm.SharedPages;
import dev.kapsel.sandbox.mm.Vma;
import dev.kapsel.sys.Errno;

/** brk, mmap, munmap, mprotect, mremap, madvise and friends over the {@link AddressSpace}. */
public final class MemorySyscalls {
    static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
    static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    private static final int MADV_WILLNEED = 3, MADV_DONTNEED = 4, MADV_FREE = 8;
    /** Advice values Linux 6.1 knows (madvise(2)); any other is EINVAL. */
    private static final java.util.Set<Integer> MADV_KNOWN = java.util.Set.of(0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
            18, 19, 20, 21, 22, 23, 100, 101);
    private static final int MLOCK_ONFAULT = 1;
    private static final int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    private static final int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

    private final SandboxProcess p;

    public MemorySyscalls(SandboxProcess process) {
        this.p = process;
    }

    public void register(SyscallTable t) {
        t.define(9, "mmap", (a, b, c, d, e, f) -> mmap(a, b, c, d, e, f), HEX, INT, HEX, HEX, FD, HEX);
        t.define(10, "mprotect", (a, b, c, d, e, f) -> mprotect(a, b, c), HEX, INT, HEX);
        t.define(11, "munmap", (a, b, c, d, e, f) -> { p.space().unmap(a, b); return 0; }, HEX, INT);
        t.define(12, "brk", (a, b, c, d, e, f) -> p.space().brk(a), HEX);
        t.define(25, "mremap", (a, b, c, d, e, f) -> mremap(a, b, c, d, e), HEX, INT, INT, HEX, HEX);
        t.define(26, "msync", (a, b, c, d, e, f) -> msync(a, b, c), HEX, INT, HEX);
        t.define(27, "mincore", (a, b, c, d, e, f) -> mincore(a, b, c), HEX, INT, HEX);
        t.define(28, "madvise", (a, b, c, d, e, f) -> madvise(a, b, c), HEX, INT, INT);
        // The mlock family is accepted and checked as Linux does, and then does nothing: the sandbox's
        // memory is guest RAM the host never swaps out on its own (it is the container's limit).
        t.define(149, "mlock", (a, b, c, d, e, f) -> lockRange(a, b), HEX, INT);
        t.define(150, "munlock", (a, b, c, d, e, f) -> lockRange(a, b), HEX, INT);
        t.define(151, "mlockall", (a, b, c, d, e, f) -> mlockall(a), HEX);
        t.define(152, "munlockall", (a, b, c, d, e, f) -> 0);
        t.define(325, "mlock2", (a, b, c, d, e, f) -> {
            if ((c & ~(long) MLOCK_ONFAULT) != 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            return lockRange(a, b);
        }, HEX, INT, HEX);
    }

    long mmap(long addr, long length, long prot, long flags, long fd, long offset) {
        if ((prot & ~7L) != 0 || length == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (length < 0) {
            throw new ErrnoException(Errno.ENOMEM); // more than 2^63 bytes
        }
        int type = (int) flags & 3;
        if (type != MAP_SHARED && type != MAP_PRIVATE && type != 3) {
            throw new ErrnoException(Errno.EINVAL);
        }
        boolean fixed = (flags & MAP_FIXED) != 0;
        boolean noReplace = (flags & MAP_FIXED_NOREPLACE) != 0;
        if ((flags & MAP_ANONYMOUS) != 0) {
            if (type != MAP_PRIVATE) {
                return mapSharedAnonymous(addr, length, (int) prot, fixed, noReplace);
            }
            return p.space().map(addr, length, (int) prot, fixed, noReplace, null, 0, 0, "");
        }
        if ((offset & 0xfff) != 0 || offset < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        OpenFile file = p.fds().get(fd);
        if (file.node() instanceof Directory) {
            throw new ErrnoException(Errno.ENODEV);
        }
        if ((file.statusFlags() & 3) == 1) {
            throw new ErrnoException(Errno.EACCES);
        }
        if (type != MAP_PRIVATE) {
            return mapSharedFile(file, addr, length, (int) prot, fixed, noReplace, offset);
        }
        if (file instanceof RegularHandle h) {
            h.pinForMapping(); // the mapping reads the file after the program closes it
        }
        long size = file.stat().size();
        Vma.Backing backing = (off, dst, dstOffset, len) -> {
            byte[] tmp = new byte[len];
            int n = file.pread(tmp, len, off);
            System.arraycopy(tmp, 0, dst, dstOffset, Math.max(n, 0));
            return n;
        };
        return p.space().map(addr, length, (int) prot, fixed, noReplace, backing, offset, size, p.paths().of(file));
    }

    /** MAP_SHARED of a file: the area maps the file's page cache, which read and write see too. */
    private long mapSharedFile(OpenFile file, long addr, long length, int prot, boolean fixed, boolean noReplace, long offset) {
        if (!(file instanceof RegularHandle h)) {
            throw new ErrnoException(Errno.ENODEV);
        }
        boolean sealed = h.data() instanceof ShmemFile shmem && shmem.writeSealed();
        if ((prot & Vma.PROT_WRITE) != 0 && sealed) {
            throw new ErrnoException(Errno.EPERM);
        }
        boolean mayWrite = (h.statusFlags() & 3) == 2 && h.data().writable() && !sealed;
        if ((prot & Vma.PROT_WRITE) != 0 && !mayWrite) {
            throw new ErrnoException(Errno.EACCES);
        }
        if (offset > ShmemFile.MAX_SIZE * 1024 - AddressSpace.pageUp(length)) {
            throw new ErrnoException(Errno.EOVERFLOW); // the file's pages would not fit a page index
        }
        h.pinForMapping();
        SharedPages pages = SharedPages.of(h.node(), h.data(), p.machine().memory(), p.machine().frames());
        return p.space().mapShared(addr, length, prot, fixed, noReplace, new Vma.Shared(pages, mayWrite), offset, p.paths().of(file));
    }

    /** MAP_SHARED|MAP_ANONYMOUS: the pages of a nameless shared-memory file of that length, which fork passes on. */
    private long mapSharedAnonymous(long addr, long length, int prot, boolean fixed, boolean noReplace) {
        ShmemFile file = new ShmemFile(p.kernel().sharedMemoryQuota(), false);
        file.truncate(AddressSpace.pageUp(length));
        SharedPages pages = SharedPages.of(file, file, p.machine().memory(), p.machine().frames());
        return p.space().mapShared(addr, length, prot, fixed, noReplace, new Vma.Shared(pages, true), 0, "/dev/zero (deleted)");
    }

    /** msync(2): the cached pages of the shared areas in the range go back to their files. */
    long msync(long addr, long length, long flags) {
        if ((addr & 0xfff) != 0 || (flags & ~(long) (MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0
                || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC) || length < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (length == 0) {
            return 0;
        }
        p.space().sharedPagesIn(addr, length).forEach(SharedPages::sync);
        return 0;
    }

    long mprotect(long addr, long length, long prot) {
        if ((prot & ~7L) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        p.space().protect(addr, length, (int) prot);
        return 0;
    }

    long mremap(long old, long oldLength, long newLength, long flags, long newAddress) {
        if ((flags & ~3L) != 0 || ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return p.space().remap(old, oldLength, newLength, (flags & MREMAP_MAYMOVE) != 0, (flags & MREMAP_FIXED) != 0, newAddress);
    }

    /**
     * madvise(2): DONTNEED drops the pages (the next access sees zeros, or the file again); FREE,
     * which Linux may serve lazily, is served at once the same way for private anonymous memory
     * (a program may see either its data or zeros, and zeros are what it gets); WILLNEED and the
     * other hints are accepted. Unknown advice is EINVAL, a range with unmapped pages ENOMEM.
     */
    long madvise(long addr, long length, long advice) {
        if ((addr & 0xfff) != 0 || length < 0 || !MADV_KNOWN.contains((int) advice) || advice != (int) advice) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (length == 0) {
            return 0;
        }
        if (advice == MADV_DONTNEED) {
            p.space().discard(addr, length);
        } else if (advice == MADV_FREE) {
            if (!p.space().privateAnonymous(addr, length)) {
                throw new ErrnoException(Errno.EINVAL);
            }
            p.space().discard(addr, length);
        } else {
            p.space().checkMapped(addr, length);
        }
        return 0;
    }

    private long lockRange(long addr, long length) {
        long start = addr & ~0xfffL;
        long len = length + (addr - start);
        if (length < 0 || len < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (len > 0) {
            p.space().checkMapped(start, len);
        }
        return 0;
    }

    private long mlockall(long flags) {
        if (flags == 0 || (flags & ~(long) (MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0 || flags == MCL_ONFAULT) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return 0;
    }

    long mincore(long addr, long length, long vec) {
        if ((addr & 0xfff) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long pages = (AddressSpace.pageUp(length)) / 4096;
        if (pages > (1 << 20)) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        if (pages == 0) {
            return 0;
        }
        p.space().checkMapped(addr, length); // mincore(2): ENOMEM for unmapped pages, whatever their protection
        byte[] v = new byte[(int) pages];
        for (int i = 0; i < pages; i++) {
            v[i] = (byte) ((p.space().pageTable().lookup(addr + i * 4096L) & 1) != 0 ? 1 : 0);
        }
        p.memory().write(vec, v);
        return 0;
    }
}
