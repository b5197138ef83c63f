package dev.kapsel.sandbox;

import static dev.kapsel.sandbox.syscall.Arg.FLAGS;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;
import static dev.kapsel.sandbox.syscall.Arg.PATH;

import dev.kapsel.sandbox.machine.KernelLayout;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sys.Errno;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * System calls about tasks and processes: clone/fork/vfork, execve, exit, wait4/waitid, kill and
 * tgkill, process groups and sessions, signal masks that suspend, sigreturn and the alternate
 * stack, futex and the robust list, set_tid_address, and arch_prctl (the FS base is per thread).
 */
final class TaskSyscalls {
    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x01000000;
    private static final long WNOHANG = 1, WEXITED = 4, WNOWAIT = 0x01000000;
    private static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
    private static final long MONOTONIC_OFFSET = 1000L * 1_000_000_000L;

    private final Kernel kernel;
    private final SandboxProcess p;
    private final KernelLock lock;

    TaskSyscalls(Kernel kernel, SandboxProcess process) {
        this.kernel = kernel;
        this.p = process;
        this.lock = kernel.lock();
    }

    void register(SyscallTable t) {
        t.define(15, "rt_sigreturn", (a, b, c, d, e, f) -> sigreturn());
        t.define(34, "pause", (a, b, c, d, e, f) -> { lock.await(() -> false, Long.MAX_VALUE); return 0; });
        t.define(39, "getpid", (a, b, c, d, e, f) -> p.pid());
        t.define(56, "clone", (a, b, c, d, e, f) -> clone(a, b, c, d, e), FLAGS, HEX, HEX, HEX, HEX);
        t.define(57, "fork", (a, b, c, d, e, f) -> clone(Signals.SIGCHLD, 0, 0, 0, 0));
        t.define(58, "vfork", (a, b, c, d, e, f) -> clone(CLONE_VM | CLONE_VFORK | Signals.SIGCHLD, 0, 0, 0, 0));
        t.define(59, "execve", (a, b, c, d, e, f) -> execve(a, b, c), PATH, HEX, HEX);
        t.define(60, "exit", (a, b, c, d, e, f) -> { throw new Task.ThreadExit((int) a); }, INT);
        t.define(61, "wait4", (a, b, c, d, e, f) -> wait4(a, b, c, d), INT, HEX, FLAGS, HEX);
        t.define(62, "kill", (a, b, c, d, e, f) -> kill(a, b), INT, INT);
        t.define(109, "setpgid", (a, b, c, d, e, f) -> setpgid(a, b), INT, INT);
        t.define(110, "getppid", (a, b, c, d, e, f) -> p.parentPid());
        t.define(111, "getpgrp", (a, b, c, d, e, f) -> p.pgid());
        t.define(112, "setsid", (a, b, c, d, e, f) -> setsid());
        t.define(121, "getpgid", (a, b, c, d, e, f) -> target(a).pgid(), INT);
        t.define(124, "getsid", (a, b, c, d, e, f) -> target(a).sid(), INT);
        t.define(127, "rt_sigpending", (a, b, c, d, e, f) -> { p.memory().writeU64(a, Task.current().pendingSet()); return 0; }, HEX, INT);
        t.define(130, "rt_sigsuspend", (a, b, c, d, e, f) -> sigsuspend(a, b), HEX, INT);
        t.define(131, "sigaltstack", (a, b, c, d, e, f) -> sigaltstack(a, b), HEX, HEX);
        t.define(158, "arch_prctl", (a, b, c, d, e, f) -> archPrctl(a, b), HEX, HEX);
        t.define(186, "gettid", (a, b, c, d, e, f) -> Task.current().tid());
        t.define(200, "tkill", (a, b, c, d, e, f) -> tgkill(-1, a, b), INT, INT);
        t.define(202, "futex", (a, b, c, d, e, f) -> futex(a, b, c, d, e, f), HEX, INT, INT, HEX, HEX, INT);
        t.define(218, "set_tid_address", (a, b, c, d, e, f) -> { Task.current().setClearChildTid(a); return Task.current().tid(); }, HEX);
        t.define(231, "exit_group", (a, b, c, d, e, f) -> { throw ProgramTermination.exited((int) a); }, INT);
        t.define(234, "tgkill", (a, b, c, d, e, f) -> tgkill(a, b, c), INT, INT, INT);
        t.define(247, "waitid", (a, b, c, d, e, f) -> waitid(a, b, c, d), INT, INT, HEX, FLAGS, HEX);
        t.define(273, "set_robust_list", (a, b, c, d, e, f) -> setRobustList(a, b), HEX, INT);
        t.define(274, "get_robust_list", (a, b, c, d, e, f) -> getRobustList(a, b, c), INT, HEX, HEX);
        t.define(435, "clone3", (a, b, c, d, e, f) -> { throw new ErrnoException(Errno.ENOSYS); }, HEX, INT);
    }

    // ---- creation --------------------------------------------------------------------------------

    long clone(long flags, long stack, long parentTid, long childTid, long tls) {
        Task self = Task.current();
        boolean thread = (flags & CLONE_THREAD) != 0;
        if (thread && ((flags & CLONE_VM) == 0 || (flags & CLONE_SIGHAND) == 0)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if ((flags & CLONE_SETTLS) != 0 && (tls < 0 || tls >= KernelLayout.USER_END)) {
            throw new ErrnoException(Errno.EPERM);
        }
        long fs = (flags & CLONE_SETTLS) != 0 ? tls : self.cpu().fsBase();
        Task.Start start = new Task.Start(Kernel.childRegs(self.syscallRegs(), stack), fs);
        if (thread) {
            int tid = kernel.newTid();
            if ((flags & CLONE_PARENT_SETTID) != 0) {
                p.memory().writeU32(parentTid, tid);
            }
            if ((flags & CLONE_CHILD_SETTID) != 0) {
                p.memory().writeU32(childTid, tid);
            }
            Task t = kernel.startTask(p, start, self.sigmask(), tid);
            if ((flags & CLONE_CHILD_CLEARTID) != 0) {
                t.setClearChildTid(childTid);
            }
            return tid;
        }
        boolean vfork = (flags & CLONE_VFORK) != 0;
        SandboxProcess child = kernel.forkProcess(p, (flags & CLONE_VM) != 0, (flags & CLONE_FILES) != 0, (int) (flags & 0xff));
        Task t;
        try {
            t = kernel.startTask(child, start, self.sigmask(), child.pid());
        } catch (RuntimeException e) {
            kernel.discard(child);
            throw e;
        }
        if ((flags & CLONE_PARENT_SETTID) != 0) {
            try {
                p.memory().writeU32(parentTid, child.pid());
            } catch (ErrnoException e) {
                // as Linux: the child exists anyway
            }
        }
        if ((flags & CLONE_CHILD_SETTID) != 0) {
            try {
                child.memory().writeU32(childTid, child.pid());
            } catch (ErrnoException e) {
                // the child's problem
            }
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) {
            t.setClearChildTid(childTid);
        }
        if (vfork) {
            child.setVforkDone(false);
            while (!child.vforkDone() && !self.killed()) {
                try {
                    lock.await(child::vforkDone, Long.MAX_VALUE);
                } catch (ErrnoException e) {
                    lock.sleepNanos(5_000_000); // a signal waits until the child has let go of our memory
                }
            }
        }
        return child.pid();
    }

    long execve(long pathAddress, long argvAddress, long envAddress) {
        Task self = Task.current();
        String path = p.memory().readPath(pathAddress);
        List<String> argv = stringArray(argvAddress);
        List<String> env = stringArray(envAddress);
        for (Task t : new ArrayList<>(p.threads())) {
            if (t != self) {
                t.kill();
            }
        }
        lock.wakeAll();
        lock.await(() -> p.threads().size() == 1, Long.MAX_VALUE);
        Task.Start s = ProgramImage.exec(p, path, argv, env, 0);
        p.resetHandlersForExec();
        self.setAltStack(AltStack.DISABLED);
        self.setRobustList(0);
        if (!p.vforkDone()) {
            p.setVforkDone(true);
            lock.wakeAll();
        }
        self.cpu().start(p.space().pageTable(), s.regs().rip(), s.regs().rsp(), 0);
        throw new Task.UserStateReplaced();
    }

    private List<String> stringArray(long address) {
        List<String> out = new ArrayList<>();
        if (address == 0) {
            return out;
        }
        long total = 0;
        for (int i = 0; ; i++) {
            if (i > 65536) {
                throw new ErrnoException(Errno.E2BIG);
            }
            long s = p.memory().readU64(address + 8L * i);
            if (s == 0) {
                return out;
            }
            String str = p.memory().readCString(s, 128 << 10);
            total += str.length() + 1;
            if (total > (2 << 20)) {
                throw new ErrnoException(Errno.E2BIG);
            }
            out.add(str);
        }
    }

    // ---- waiting -----------------------------------------------------------------------------------

    private boolean matches(SandboxProcess c, int pid) {
        if (pid < -1) {
            return c.pgid() == -pid;
        }
        if (pid == -1) {
            return true;
        }
        if (pid == 0) {
            return c.pgid() == p.pgid();
        }
        return c.pid() == pid;
    }

    /** The first matching zombie child, or null; ECHILD if no child matches at all. */
    private SandboxProcess findZombie(int pid) {
        boolean any = false;
        for (SandboxProcess c : p.children()) {
            if (matches(c, pid)) {
                any = true;
                if (c.zombie()) {
                    return c;
                }
            }
        }
        if (!any) {
            throw new ErrnoException(Errno.ECHILD);
        }
        return null;
    }

    private SandboxProcess waitFor(int pid, boolean noHang) {
        SandboxProcess z = findZombie(pid);
        if (z != null || noHang) {
            return z;
        }
        lock.await(() -> {
            try {
                return findZombie(pid) != null;
            } catch (ErrnoException e) {
                return true;
            }
        }, Long.MAX_VALUE);
        return findZombie(pid);
    }

    long wait4(long pidArgument, long statusAddress, long options, long rusage) {
        if ((options & ~(1L | 2L | 8L | 0x20000000L | 0x40000000L | 0x80000000L)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        SandboxProcess z = waitFor((int) pidArgument, (options & WNOHANG) != 0);
        if (z == null) {
            return 0;
        }
        if (statusAddress != 0) {
            p.memory().writeU32(statusAddress, z.exiting());
        }
        if (rusage != 0) {
            p.memory().write(rusage, new byte[144]);
        }
        kernel.reap(z);
        return z.pid();
    }

    long waitid(long idType, long id, long infop, long options) {
        if ((options & WEXITED) == 0 || (options & ~(WNOHANG | 2L | WEXITED | 8L | WNOWAIT | 0x20000000L | 0x40000000L | 0x80000000L)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int pid = switch ((int) idType) {
            case 0 -> -1;
            case 1 -> {
                if ((int) id <= 0) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                yield (int) id;
            }
            case 2 -> (int) id == 0 ? 0 : -(int) id;
            default -> throw new ErrnoException(Errno.EINVAL);
        };
        SandboxProcess z = waitFor(pid, (options & WNOHANG) != 0);
        byte[] info = new byte[128];
        if (z != null) {
            int status = z.exiting();
            int code = (status & 0x7f) == 0 ? SignalInfo.CLD_EXITED : (status & 0x80) != 0 ? SignalInfo.CLD_DUMPED : SignalInfo.CLD_KILLED;
            int value = code == SignalInfo.CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f;
            info = new SignalInfo(Signals.SIGCHLD, code, z.pid(), value, 0).encode();
            if ((options & WNOWAIT) == 0) {
                kernel.reap(z);
            }
        }
        if (infop != 0) {
            p.memory().write(infop, info);
        }
        return 0;
    }

    // ---- signals -----------------------------------------------------------------------------------

    long kill(long pidArgument, long sig) {
        int pid = (int) pidArgument;
        if (sig < 0 || sig > Signals.NSIG) {
            throw new ErrnoException(Errno.EINVAL);
        }
        List<SandboxProcess> targets = new ArrayList<>();
        if (pid > 0) {
            SandboxProcess t = kernel.process(pid);
            if (t != null) {
                targets.add(t);
            }
        } else {
            for (SandboxProcess c : kernel.processes()) {
                boolean hit = pid == 0 ? c.pgid() == p.pgid() : pid == -1 ? c.pid() != SandboxProcess.PID && c != p : c.pgid() == -pid;
                if (hit) {
                    targets.add(c);
                }
            }
        }
        if (targets.isEmpty()) {
            throw new ErrnoException(Errno.ESRCH);
        }
        if (sig != 0) {
            for (SandboxProcess t : targets) {
                kernel.signalProcess(t, SignalInfo.user((int) sig, p.pid()));
            }
        }
        return 0;
    }

    long tgkill(long tgid, long tid, long sig) {
        if (sig < 0 || sig > Signals.NSIG || (int) tid <= 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Task t = kernel.task((int) tid);
        if (t == null || ((int) tgid > 0 && t.process().pid() != (int) tgid)) {
            throw new ErrnoException(Errno.ESRCH);
        }
        if (sig != 0) {
            kernel.signalTask(t, new SignalInfo((int) sig, SignalInfo.SI_TKILL, p.pid(), 0, 0));
        }
        return 0;
    }

    long sigreturn() {
        Task self = Task.current();
        SignalDelivery.sigreturn(self, self.syscallRegs());
        throw new Task.UserStateReplaced();
    }

    long sigsuspend(long maskAddress, long size) {
        if (size != 8) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Task.current().suspendMask(p.memory().readU64(maskAddress));
        lock.await(() -> false, Long.MAX_VALUE);
        return 0;
    }

    long sigaltstack(long ss, long oldss) {
        Task self = Task.current();
        AltStack alt = self.altStack();
        long rsp = self.syscallRegs().rsp();
        if (oldss != 0) {
            p.memory().writeU64(oldss, alt.sp());
            p.memory().writeU64(oldss + 8, alt.flags(rsp));
            p.memory().writeU64(oldss + 16, alt.size());
        }
        if (ss != 0) {
            long sp = p.memory().readU64(ss);
            int flags = p.memory().readU32(ss + 8);
            long size = p.memory().readU64(ss + 16);
            if (alt.contains(rsp)) {
                throw new ErrnoException(Errno.EPERM);
            }
            if ((flags & ~(AltStack.SS_DISABLE | 0x80000000)) != 0) { // SS_AUTODISARM is accepted
                throw new ErrnoException(Errno.EINVAL);
            }
            if ((flags & AltStack.SS_DISABLE) != 0) {
                self.setAltStack(AltStack.DISABLED);
            } else {
                if (size < 2048) {
                    throw new ErrnoException(Errno.ENOMEM);
                }
                self.setAltStack(new AltStack(sp, size, false));
            }
        }
        return 0;
    }

    // ---- groups and sessions -------------------------------------------------------------------------

    private SandboxProcess target(long pidArgument) {
        int pid = (int) pidArgument;
        if (pid == 0) {
            return p;
        }
        SandboxProcess t = kernel.process(pid);
        if (t == null) {
            throw new ErrnoException(Errno.ESRCH);
        }
        return t;
    }

    long setpgid(long pidArgument, long pgidArgument) {
        SandboxProcess t = target(pidArgument);
        if (t != p && t.parent() != p) {
            throw new ErrnoException(Errno.ESRCH);
        }
        int pgid = (int) pgidArgument;
        if (pgid < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (t.sid() == t.pid()) {
            throw new ErrnoException(Errno.EPERM);
        }
        t.setPgid(pgid == 0 ? t.pid() : pgid);
        return 0;
    }

    long setsid() {
        if (p.pgid() == p.pid()) {
            throw new ErrnoException(Errno.EPERM);
        }
        p.setSid(p.pid());
        p.setPgid(p.pid());
        return p.pid();
    }

    // ---- futex ---------------------------------------------------------------------------------------

    private long timespecNanos(long address) {
        long sec = p.memory().readU64(address);
        long nsec = p.memory().readU64(address + 8);
        if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return sec > Long.MAX_VALUE / 2_000_000_000L ? Long.MAX_VALUE / 2 : sec * 1_000_000_000L + nsec;
    }

    long futex(long uaddr, long op, long val, long timeout, long uaddr2, long val3) {
        int cmd = (int) op & 0x7f;
        boolean realtime = (op & 256) != 0;
        return switch (cmd) {
            case 0 -> kernel.futexes().await(p, uaddr, (int) val, -1,
                    timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + timespecNanos(timeout));
            case 9 -> kernel.futexes().await(p, uaddr, (int) val, (int) val3, timeout == 0 ? Long.MAX_VALUE : absolute(timespecNanos(timeout), realtime));
            case 1 -> kernel.futexes().wake(p, uaddr, (int) Math.min(val & 0xffffffffL, Integer.MAX_VALUE), -1);
            case 10 -> kernel.futexes().wake(p, uaddr, (int) Math.min(val & 0xffffffffL, Integer.MAX_VALUE), (int) val3);
            case 3 -> kernel.futexes().requeue(p, uaddr, (int) val, (int) timeout, uaddr2, null);
            case 4 -> kernel.futexes().requeue(p, uaddr, (int) val, (int) timeout, uaddr2, (int) val3);
            case 5 -> kernel.futexes().wakeOp(p, uaddr, (int) val, (int) timeout, uaddr2, (int) val3);
            default -> throw new ErrnoException(Errno.ENOSYS);
        };
    }

    /** A deadline on the guest's CLOCK_MONOTONIC or CLOCK_REALTIME, as a {@link System#nanoTime()} value. */
    private long absolute(long guestNanos, boolean realtime) {
        if (realtime) {
            Instant now = Instant.now();
            long epoch = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            return System.nanoTime() + (guestNanos - epoch);
        }
        return kernel.startNanos() - MONOTONIC_OFFSET + guestNanos;
    }

    long setRobustList(long head, long length) {
        if (length != 24) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Task.current().setRobustList(head);
        return 0;
    }

    long getRobustList(long pid, long headAddress, long lengthAddress) {
        Task t = (int) pid == 0 ? Task.current() : kernel.task((int) pid);
        if (t == null) {
            throw new ErrnoException(Errno.ESRCH);
        }
        p.memory().writeU64(headAddress, t.robustList());
        p.memory().writeU64(lengthAddress, 24);
        return 0;
    }

    long archPrctl(long code, long addr) {
        Task self = Task.current();
        switch ((int) code) {
            case ARCH_SET_FS -> {
                if (addr < 0 || addr >= KernelLayout.USER_END) {
                    throw new ErrnoException(Errno.EPERM);
                }
                self.cpu().setFsBase(addr);
                return 0;
            }
            case ARCH_GET_FS -> {
                p.memory().writeU64(addr, self.cpu().fsBase());
                return 0;
            }
            case ARCH_SET_GS, ARCH_GET_GS -> throw new ErrnoException(Errno.EINVAL);
            default -> throw new ErrnoException(Errno.EINVAL);
        }
    }

}
