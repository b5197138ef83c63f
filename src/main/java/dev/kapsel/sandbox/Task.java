package dev.kapsel.sandbox;

import dev.kapsel.kvm.Regs;
import dev.kapsel.sandbox.machine.Cpu;
import dev.kapsel.sandbox.machine.KernelLayout;
import dev.kapsel.sandbox.machine.OutOfCpusException;
import dev.kapsel.sandbox.machine.OutOfFramesException;
import dev.kapsel.sandbox.machine.Trap;
import dev.kapsel.sandbox.machine.Vectors;
import dev.kapsel.sys.Errno;

/**
 * One guest thread: a task of a {@link SandboxProcess}, run on its own vCPU by that vCPU's Java
 * thread from its first instruction to its exit. Holds what Linux keeps per thread: the thread id,
 * the blocked-signal mask and thread-directed pending signals, the alternate signal stack,
 * {@code clear_child_tid} and the robust futex list. {@link #run} is the trap loop: it takes the
 * {@link KernelLock} to serve each trap and releases it while the program runs.
 */
public final class Task {
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    /** Where a new task starts: its registers (RIP/RSP included) and FS base. */
    record Start(Regs regs, long fsBase) {}

    /** Thrown through the kernel when the calling thread ends by exit(2) (its process may go on). */
    static final class ThreadExit extends RuntimeException {
        final int code;

        ThreadExit(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** Thrown by a handler that set the registers itself (execve, rt_sigreturn): the trap loop must not resume the call. */
    static final class UserStateReplaced extends RuntimeException {
        UserStateReplaced() {
            super(null, null, false, false);
        }
    }

    private final Kernel kernel;
    private final SandboxProcess process;
    private final int tid;
    private final Start start;
    private Cpu cpu;
    private long sigmask;
    private long pending;
    private final SignalInfo[] pendingInfo = new SignalInfo[Signals.NSIG + 1];
    private long clearChildTid;
    private long robustList;
    private AltStack altStack = AltStack.DISABLED;
    /** The registers of the system call being served (clone copies them). */
    private Regs syscallRegs;
    /** The number of a system call interrupted by a signal, to restart or fail with EINTR; -1 if none. */
    private long interruptedCall = -1;
    /** sigsuspend/ppoll/pselect: the mask to put back after the signal (0 flag: none). */
    private long savedMask;
    private boolean hasSavedMask;
    private volatile boolean killed;

    Task(Kernel kernel, SandboxProcess process, int tid, Start start, long sigmask) {
        this.kernel = kernel;
        this.process = process;
        this.tid = tid;
        this.start = start;
        this.sigmask = sigmask;
    }

    /** The task whose trap this thread is serving. */
    public static Task current() {
        Task t = CURRENT.get();
        if (t == null) {
            throw new IllegalStateException("not on a sandbox task thread");
        }
        return t;
    }

    /** The task of this thread, or null off the vCPU threads. */
    public static Task currentOrNull() {
        return CURRENT.get();
    }

    public SandboxProcess process() {
        return process;
    }

    public int tid() {
        return tid;
    }

    public Cpu cpu() {
        return cpu;
    }

    public long sigmask() {
        return sigmask;
    }

    public void setSigmask(long mask) {
        sigmask = mask & ~Signals.UNBLOCKABLE;
    }

    Regs syscallRegs() {
        return syscallRegs;
    }

    void setClearChildTid(long address) {
        clearChildTid = address;
    }

    long clearChildTid() {
        return clearChildTid;
    }

    void setRobustList(long head) {
        robustList = head;
    }

    long robustList() {
        return robustList;
    }

    AltStack altStack() {
        return altStack;
    }

    void setAltStack(AltStack stack) {
        altStack = stack;
    }

    /** Temporarily replaces the mask until the next signal is taken (sigsuspend, ppoll, pselect6). */
    void suspendMask(long temporary) {
        if (!hasSavedMask) {
            savedMask = sigmask;
            hasSavedMask = true;
        }
        setSigmask(temporary);
    }

    /** The mask a signal frame records: the one sigsuspend replaced, or the current one. */
    long hasSavedMaskValue() {
        return hasSavedMask ? savedMask : sigmask;
    }

    void restoreSuspendedMask() {
        if (hasSavedMask) {
            sigmask = savedMask;
            hasSavedMask = false;
        }
    }

    void kill() {
        killed = true;
        if (cpu != null) {
            cpu.requestExit();
        }
    }

    /** Makes the task leave user mode at its next entry, to look at a new signal. */
    void kick() {
        if (cpu != null) {
            cpu.requestExit();
        }
    }

    boolean killed() {
        return killed;
    }

    void addPending(SignalInfo info) {
        pending |= Signals.bit(info.signo());
        if (pendingInfo[info.signo()] == null) {
            pendingInfo[info.signo()] = info;
        }
        if (cpu != null && (sigmask & Signals.bit(info.signo())) == 0) {
            cpu.requestExit();
        }
    }

    void discardPending(int sig) {
        pending &= ~Signals.bit(sig);
        pendingInfo[sig] = null;
    }

    /** Pending signals of this thread and its process that are blocked (rt_sigpending). */
    long pendingSet() {
        return (pending | process.pendingSignals()) & sigmask;
    }

    /** Signals this thread could take now. */
    long deliverable() {
        return (pending | process.pendingSignals()) & ~sigmask;
    }

    /** Does a sleep of this task have to end (a signal to take, or the task is being killed)? */
    private boolean interruptedSleep() {
        return killed || process.exiting() != null || deliverable() != 0;
    }

    /** Takes the lowest deliverable signal off the pending sets; null if none. */
    SignalInfo takeSignal() {
        long d = deliverable();
        if (d == 0) {
            return null;
        }
        int sig = Long.numberOfTrailingZeros(d) + 1;
        if ((pending & Signals.bit(sig)) != 0) {
            pending &= ~Signals.bit(sig);
            SignalInfo i = pendingInfo[sig];
            pendingInfo[sig] = null;
            return i != null ? i : SignalInfo.user(sig, 0);
        }
        SignalInfo i = process.takePending(sig);
        return i != null ? i : SignalInfo.user(sig, 0);
    }

    /** The vCPU thread's body: runs the task until it ends. The kernel lock is not held on entry. */
    void run(Cpu cpu) {
        CURRENT.set(this);
        KernelLock.setInterruptCheck(this::interruptedSleep);
        KernelLock lock = kernel.lock();
        lock.lock();
        try {
            this.cpu = cpu;
            cpu.start(process.space().pageTable(), start.regs().rip(), start.regs().rsp(), start.fsBase());
            cpu.enterUser(start.regs());
            loop(cpu, lock);
        } catch (ThreadExit e) {
            kernel.threadExited(this, e.code);
        } catch (ProgramTermination t) {
            kernel.exitGroup(process, t);
            kernel.threadExited(this, 0);
        } catch (KernelBug bug) {
            kernel.kernelBug(bug);
            kernel.threadExited(this, 0);
        } catch (RuntimeException | Error e) {
            kernel.kernelBug(new KernelBug("the trap loop of task " + tid, e));
            kernel.threadExited(this, 0);
        } finally {
            this.cpu = null;
            lock.unlock();
            KernelLock.setInterruptCheck(null);
            CURRENT.remove();
        }
    }

    private void loop(Cpu cpu, KernelLock lock) {
        while (true) {
            if (killed || process.exiting() != null) {
                throw new ThreadExit(0);
            }
            SignalDelivery.beforeUserMode(this);
            TlbShootdown.complete(this, kernel.machine(), lock, process.space());
            cpu.flushIfStale();
            Trap trap;
            cpu.setInUser(true);
            lock.unlock();
            try {
                trap = cpu.next();
            } finally {
                lock.lock();
                leftUser(cpu, lock);
            }
            switch (trap) {
                case Trap.Syscall s -> syscall(s.regs());
                case Trap.Exception e -> {
                    try {
                        exception(e);
                    } catch (ThreadExit | ProgramTermination | UserStateReplaced end) {
                        throw end;
                    } catch (OutOfFramesException full) {
                        // no frame for the faulting page: Linux's OOM killer would end the process
                        throw ProgramTermination.killed(Signals.SIGKILL, "killed by SIGKILL: out of memory (the sandbox's memory limit)");
                    } catch (RuntimeException | Error bug) {
                        throw new KernelBug(String.format("%s at address 0x%x, rip 0x%x, error code 0x%x in task %d",
                                Vectors.name(e.vector()), e.faultAddress(), e.regs().rip(), e.errorCode(), tid), bug);
                    }
                }
                case Trap.Interrupted i -> {
                    // a kick (signal, kill) or a host signal: the loop head looks at it
                }
                case Trap.MachineFailure f -> throw ProgramTermination.killed(Signals.SIGKILL, "sandbox machine failure: " + f.reason());
            }
        }
    }

    /** Back in the kernel: a shootdown waiting for this vCPU may go on (it flushes before it runs the program again). */
    private static void leftUser(Cpu cpu, KernelLock lock) {
        cpu.setInUser(false);
        if (cpu.tlbStale()) {
            lock.wakeAll();
        }
    }

    private void syscall(Regs regs) {
        syscallRegs = regs;
        long nr = regs.rax();
        long result;
        try {
            result = kernel.dispatcher().dispatch(process.table(), process.strace(), tid, regs);
        } catch (UserStateReplaced r) {
            return;
        } catch (ThreadExit | ProgramTermination end) {
            throw end;
        } catch (OutOfFramesException e) {
            result = -Errno.ENOMEM;
        } catch (OutOfCpusException e) {
            result = -Errno.EAGAIN;
        } catch (RuntimeException | Error e) {
            throw new KernelBug(describeSyscall(regs), e);
        }
        boolean noSignal = nr == 44 && (regs.r10() & MSG_NOSIGNAL) != 0 || nr == 46 && (regs.rdx() & MSG_NOSIGNAL) != 0;
        if (result == -Errno.EPIPE && !noSignal && (nr == 1 || nr == 18 || nr == 20 || nr == 44 || nr == 46 || nr == 40)) {
            kernel.signalTask(this, new SignalInfo(Signals.SIGPIPE, SignalInfo.SI_USER, process.pid(), 0, 0));
        }
        interruptedCall = result == -KernelLock.ERESTARTSYS ? nr : -1;
        cpu.resumeFromSyscall(regs, result);
    }

    /** The call in {@code regs} as strace would show it: name (or number) and the six argument registers. */
    private String describeSyscall(Regs regs) {
        var entry = process.table().get(regs.rax());
        String name = entry != null ? entry.name() : "syscall_" + regs.rax();
        return String.format("%s(0x%x, 0x%x, 0x%x, 0x%x, 0x%x, 0x%x) in task %d", name, regs.rdi(), regs.rsi(), regs.rdx(),
                regs.r10(), regs.r8(), regs.r9(), tid);
    }

    long takeInterruptedCall() {
        long n = interruptedCall;
        interruptedCall = -1;
        return n;
    }

    private void exception(Trap.Exception e) {
        Regs r = e.regs();
        if (e.vector() == Vectors.PAGE_FAULT) {
            boolean write = (e.errorCode() & Vectors.PF_WRITE) != 0;
            boolean exec = (e.errorCode() & Vectors.PF_INSTRUCTION) != 0;
            if (e.faultAddress() >= 0 && e.faultAddress() < KernelLayout.USER_END
                    && process.space().handleFault(e.faultAddress(), write, exec)) {
                cpu.resumeFromException(r);
                return;
            }
            boolean mapped = e.faultAddress() >= 0 && e.faultAddress() < KernelLayout.USER_END
                    && process.space().find(e.faultAddress()) != null;
            if (mapped && process.space().beyondEndOfFile(e.faultAddress())) {
                SignalDelivery.force(this, r, new SignalInfo(Signals.SIGBUS, SignalInfo.BUS_ADRERR, 0, 0, e.faultAddress()),
                        String.format("killed by SIGBUS: access of address 0x%x beyond the end of its shared file at rip 0x%x",
                                e.faultAddress(), r.rip()));
                return;
            }
            SignalDelivery.force(this, r, new SignalInfo(Signals.SIGSEGV, mapped ? SignalInfo.SEGV_ACCERR : SignalInfo.SEGV_MAPERR,
                    0, 0, e.faultAddress()), String.format("killed by SIGSEGV: %s of address 0x%x at rip 0x%x",
                    exec ? "execution" : write ? "write" : "read", e.faultAddress(), r.rip()));
            return;
        }
        int sig = switch (e.vector()) {
            case Vectors.DIVIDE_ERROR, Vectors.X87_FPU, Vectors.SIMD_FPU -> Signals.SIGFPE;
            case Vectors.DEBUG, Vectors.BREAKPOINT -> Signals.SIGTRAP;
            case Vectors.INVALID_OPCODE, Vectors.DEVICE_NOT_AVAILABLE -> Signals.SIGILL;
            case Vectors.ALIGNMENT_CHECK, Vectors.STACK_FAULT, Vectors.SEGMENT_NOT_PRESENT -> Signals.SIGBUS;
            default -> Signals.SIGSEGV; // #GP (privileged instructions, non-canonical addresses), #OF, #BR
        };
        int code = sig == Signals.SIGFPE ? 1 : sig == Signals.SIGSEGV ? SignalInfo.SI_KERNEL : sig == Signals.SIGILL ? 2 : 0;
        SignalDelivery.force(this, r, new SignalInfo(sig, code, 0, 0, r.rip()),
                String.format("killed by %s: %s at rip 0x%x", Signals.name(sig), Vectors.name(e.vector()), r.rip()));
    }
}
