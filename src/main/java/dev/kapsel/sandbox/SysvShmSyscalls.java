package dev.kapsel.sandbox;

import static dev.kapsel.sandbox.syscall.Arg.FLAGS;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.mm.Vma;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sys.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** System V shared memory: shmget, shmat, shmdt, shmctl (shmget(2), shmop(2), shmctl(2)) over {@link SysvSegments}. */
final class SysvShmSyscalls {
    private static final int SHM_RDONLY = 010000, SHM_RND = 020000, SHM_REMAP = 040000, SHM_EXEC = 0100000;
    private static final int IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3, SHM_LOCK = 11, SHM_UNLOCK = 12,
            SHM_STAT = 13, SHM_STAT_ANY = 15, IPC_64 = 0x100;
    private static final long SHMLBA = 4096;
    /** Linux's default SHMMAX and SHMALL (include/uapi/linux/shm.h). */
    private static final long SHMMAX = 0xFFFF_FFFF_FFFF_FFFFL - (1L << 24), SHMALL = SHMMAX;
    private final Kernel kernel;
    private final SandboxProcess p;

    SysvShmSyscalls(Kernel kernel, SandboxProcess process) {
        this.kernel = kernel;
        this.p = process;
    }

    void register(SyscallTable t) {
        t.define(29, "shmget", (a, b, c, d, e, f) -> shmget(a, b, c), INT, INT, FLAGS);
        t.define(30, "shmat", (a, b, c, d, e, f) -> shmat(a, b, c), INT, HEX, FLAGS);
        t.define(31, "shmctl", (a, b, c, d, e, f) -> shmctl(a, b, c), INT, INT, HEX);
        t.define(67, "shmdt", (a, b, c, d, e, f) -> shmdt(a), HEX);
    }

    private long shmget(long key, long size, long flags) {
        return kernel.sysvSegments().get((int) key, size, (int) flags, p.pid(), p.credentials()).id;
    }

    private long shmat(long id, long addr, long flags) {
        SysvSegment s = kernel.sysvSegments().byId(id);
        long at = addr;
        if ((at & (SHMLBA - 1)) != 0) {
            if ((flags & SHM_RND) == 0) {
                throw new ErrnoException(Errno.EINVAL);
            }
            at &= ~(SHMLBA - 1);
        }
        if ((flags & SHM_REMAP) != 0 && at == 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int prot = Vma.PROT_READ | ((flags & SHM_RDONLY) == 0 ? Vma.PROT_WRITE : 0) | ((flags & SHM_EXEC) != 0 ? Vma.PROT_EXEC : 0);
        String name = String.format("/SYSV%08x (deleted)", s.key);
        long start;
        try {
            start = p.space().mapShared(at, s.size, prot, at != 0 && (flags & SHM_REMAP) != 0, at != 0 && (flags & SHM_REMAP) == 0,
                    new Vma.Shared(s.pages, true), 0, name);
        } catch (ErrnoException e) {
            throw e.errno() == Errno.EEXIST ? new ErrnoException(Errno.EINVAL) : e;
        }
        s.attachTime = SysvSegment.now();
        s.lastPid = p.pid();
        return start;
    }

    /** Detaches the segment attached at {@code addr}: every area of it from there to the segment's end. */
    private long shmdt(long addr) {
        if ((addr & (SHMLBA - 1)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Vma first = p.space().find(addr);
        SysvSegment s = first == null || first.start() != addr || first.shared() == null || first.fileOffset() != 0
                ? null : kernel.sysvSegments().of(first.shared().pages());
        if (s == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long end = addr + AddressSpace.pageUp(s.size);
        for (Vma v : p.space().areas()) {
            if (v.start() >= addr && v.end() <= end && v.shared() != null && v.shared().pages() == s.pages) {
                p.space().unmap(v.start(), v.length());
            }
        }
        s.detachTime = SysvSegment.now();
        s.lastPid = p.pid();
        kernel.sysvSegments().collect();
        return 0;
    }

    private long shmctl(long id, long command, long buf) {
        int cmd = (int) command & ~IPC_64;
        SysvSegments segments = kernel.sysvSegments();
        switch (cmd) {
            case IPC_INFO -> {
                ByteBuffer b = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN); // struct shminfo64
                b.putLong(0, SHMMAX).putLong(8, 1).putLong(16, SysvSegments.SHMMNI).putLong(24, SysvSegments.SHMMNI).putLong(32, SHMALL);
                p.memory().write(buf, b.array());
                return segments.highestIndex();
            }
            case IPC_STAT, SHM_STAT, SHM_STAT_ANY -> {
                SysvSegment s = segments.byId(id);
                p.memory().write(buf, s.shmidDs());
                return cmd == IPC_STAT ? 0 : s.id;
            }
            case IPC_SET -> {
                SysvSegment s = segments.byId(id);
                byte[] perm = p.memory().read(buf, 24);
                ByteBuffer b = ByteBuffer.wrap(perm).order(ByteOrder.LITTLE_ENDIAN);
                s.uid = b.getInt(4);
                s.gid = b.getInt(8);
                s.mode = b.getShort(20) & 0777;
                s.changeTime = SysvSegment.now();
                return 0;
            }
            case IPC_RMID -> {
                segments.remove(segments.byId(id));
                return 0;
            }
            case SHM_LOCK, SHM_UNLOCK -> {
                segments.byId(id);
                return 0; // guest RAM is never swapped: locked already
            }
            default -> throw new ErrnoException(Errno.EINVAL);
        }
    }
}
