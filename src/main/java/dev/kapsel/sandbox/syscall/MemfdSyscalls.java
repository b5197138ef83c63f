package dev.kapsel.sandbox.syscall;

import static dev.kapsel.sandbox.syscall.Arg.FD;
import static dev.kapsel.sandbox.syscall.Arg.FLAGS;
import static dev.kapsel.sandbox.syscall.Arg.PATH;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.SandboxProcess;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.RegularHandle;
import dev.kapsel.sandbox.fs.ShmemFile;
import dev.kapsel.sandbox.mm.SharedPages;
import dev.kapsel.sys.Errno;

/** memfd_create(2) and the file seals of fcntl(2) (F_ADD_SEALS, F_GET_SEALS) over {@link ShmemFile}. */
public final class MemfdSyscalls {
    static final int F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
    private static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
    /** memfd_create(2): the name may be 249 bytes long ("memfd:" and the NUL make NAME_MAX + 1). */
    private static final int NAME_MAX = 249;
    private static final int O_RDWR = 2;

    private final SandboxProcess p;

    public MemfdSyscalls(SandboxProcess process) {
        this.p = process;
    }

    public void register(SyscallTable t) {
        t.define(319, "memfd_create", (a, b, c, d, e, f) -> memfdCreate(a, b), PATH, FLAGS);
    }

    long memfdCreate(long nameAddress, long flags) {
        if ((flags & ~(long) (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC)) != 0
                || (flags & (MFD_NOEXEC_SEAL | MFD_EXEC)) == (MFD_NOEXEC_SEAL | MFD_EXEC)) {
            throw new ErrnoException(Errno.EINVAL); // MFD_HUGETLB (4) too: no huge pages here
        }
        String name;
        try {
            name = p.memory().readCString(nameAddress, NAME_MAX + 1);
        } catch (ErrnoException e) {
            throw e.errno() == Errno.ENAMETOOLONG ? new ErrnoException(Errno.EINVAL) : e;
        }
        ShmemFile file = new ShmemFile(p.kernel().sharedMemoryQuota(), (flags & (MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL)) != 0);
        OpenFile open = file.open(O_RDWR);
        p.paths().record(open, "/memfd:" + name + " (deleted)");
        return p.fds().install(open, (flags & MFD_CLOEXEC) != 0);
    }

    /** fcntl F_ADD_SEALS and F_GET_SEALS: EINVAL on files that cannot be sealed, EPERM adding to one not open for writing. */
    static long seals(OpenFile file, int cmd, long arg) {
        if (!(file instanceof RegularHandle h) || !(h.data() instanceof ShmemFile shmem)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (cmd == F_GET_SEALS) {
            return shmem.seals();
        }
        if ((h.statusFlags() & 3) == 0) {
            throw new ErrnoException(Errno.EPERM);
        }
        if ((arg & ShmemFile.F_SEAL_WRITE) != 0 && (shmem.seals() & ShmemFile.F_SEAL_SEAL) == 0
                && h.node().pages() instanceof SharedPages pages && pages.writablyMapped()) {
            throw new ErrnoException(Errno.EBUSY); // a shared mapping could still write it
        }
        shmem.addSeals((int) arg);
        return 0;
    }
}
