package dev.kapsel.sandbox;

import dev.kapsel.kvm.Regs;
import dev.kapsel.sandbox.fs.FdTable;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sandbox.machine.Cpu;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.fs.UpperQuota;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.net.Network;
import dev.kapsel.sandbox.net.NetworkMode;
import dev.kapsel.sandbox.syscall.CredentialSyscalls;
import dev.kapsel.sandbox.syscall.FileSyscalls;
import dev.kapsel.sandbox.syscall.MemfdSyscalls;
import dev.kapsel.sandbox.syscall.MemorySyscalls;
import dev.kapsel.sandbox.syscall.ProcessSyscalls;
import dev.kapsel.sandbox.syscall.Strace;
import dev.kapsel.sandbox.syscall.SyscallDispatcher;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sandbox.syscall.TimeSyscalls;
import dev.kapsel.sys.Errno;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The sandbox's process and task table and the life cycle of both: creating tasks on vCPU
 * threads, thread and process exit, zombies, reparenting to PID 1, signal generation, and the end
 * of the sandbox when PID 1 ends. One VM serves every process, each with its own page-table root
 * (see docs/sandbox.md for why). All state is guarded by {@link #lock()}.
 */
public final class Kernel {
    /** How long the end of PID 1 waits for the other tasks to stop before it gives up on them. */
    private static final long DRAIN_NANOS = 5_000_000_000L;
    /** How long killed stragglers get to leave their vCPUs after that. */
    private static final long KILL_NANOS = 1_000_000_000L;
    private final KernelLock lock = new KernelLock();
    private final Machine machine;
    private final Vfs vfs;
    private final SandboxLimits limits;
    private final PrintStream straceOut;
    private final long startNanos = System.nanoTime();
    private final SyscallDispatcher dispatcher = new SyscallDispatcher();
    private final Network network;
    private final Futexes futexes = new Futexes(lock);
    private final Map<Integer, SandboxProcess> processes = new LinkedHashMap<>();
    private final Map<Integer, Task> tasks = new LinkedHashMap<>();
    private final Deque<VcpuThread> idle = new ArrayDeque<>();
    private final List<VcpuThread> allThreads = new ArrayList<>();
    private int nextPid = SandboxProcess.PID;
    private SandboxProcess init;
    private ProgramTermination initEnd;
    private KernelBug bug;
    private final UtsNames uts;
    /** The thread that expires the processes' interval timers. */
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
            r -> Thread.ofPlatform().daemon().name("sandbox-timers").unstarted(r));
    private boolean shutdown;
    private final UpperQuota sharedMemoryQuota;
    private final SysvSegments sysvSegments;

    Kernel(Machine machine, Vfs vfs, SandboxLimits limits, PrintStream straceOut, NetworkMode networkMode, String hostname) {
        this.uts = new UtsNames(hostname);
        this.network = new Network(lock, vfs, networkMode);
        this.machine = machine;
        this.sharedMemoryQuota = new UpperQuota(machine.memory().size());
        this.sysvSegments = new SysvSegments(machine, sharedMemoryQuota);
        this.vfs = vfs;
        this.limits = limits;
        this.straceOut = straceOut;
    }

    public KernelLock lock() {
        return lock;
    }

    public Machine machine() {
        return machine;
    }

    /** What memfds, shared anonymous memory and SysV segments may hold together: the guest's RAM, as tmpfs defaults to. */
    public UpperQuota sharedMemoryQuota() {
        return sharedMemoryQuota;
    }

    SysvSegments sysvSegments() {
        return sysvSegments;
    }

    Vfs vfs() {
        return vfs;
    }

    SandboxLimits limits() {
        return limits;
    }

    long startNanos() {
        return startNanos;
    }

    SyscallDispatcher dispatcher() {
        return dispatcher;
    }

    Futexes futexes() {
        return futexes;
    }

    private int allocatePid() {
        for (int i = 0; i < 1 << 22; i++) {
            int pid = nextPid++;
            if (nextPid >= 1 << 22) {
                nextPid = 2;
            }
            if (!processes.containsKey(pid) && !tasks.containsKey(pid)) {
                return pid;
            }
        }
        throw new ErrnoException(Errno.EAGAIN);
    }

    /** PID 1: a fresh process whose program the caller then loads with {@link ProgramImage#exec}. */
    SandboxProcess createInit(FdTable fds, Location cwd) {
        SandboxProcess p = new SandboxProcess(this, allocatePid(), null, new AddressSpace(machine), false, fds, cwd,
                new SigAction[Signals.NSIG + 1], Signals.SIGCHLD);
        bind(p);
        processes.put(p.pid(), p);
        init = p;
        return p;
    }

    /** A new process: a copy of {@code parent} (fork), or sharing its address space ({@code shareSpace}, vfork). */
    SandboxProcess forkProcess(SandboxProcess parent, boolean shareSpace, boolean shareFiles, int exitSignal) {
        AddressSpace space = shareSpace ? parent.space() : parent.space().copy();
        FdTable fds = shareFiles ? parent.fds() : parent.fds().copy();
        SandboxProcess child = new SandboxProcess(this, allocatePid(), parent, space, shareSpace, fds, parent.cwd(),
                parent.sigactions().clone(), exitSignal);
        bind(child);
        processes.put(child.pid(), child);
        return child;
    }

    private void bind(SandboxProcess p) {
        SyscallTable table = new SyscallTable();
        new FileSyscalls(p, network).register(table);
        new MemorySyscalls(p).register(table);
        new MemfdSyscalls(p).register(table);
        new SysvShmSyscalls(this, p).register(table);
        new ProcessSyscalls(p).register(table);
        new CredentialSyscalls(p).register(table);
        new TimeSyscalls(p).register(table);
        new TaskSyscalls(this, p).register(table);
        new IpcSyscalls(this, p).register(table);
        new TimerSyscalls(p).register(table);
        new SocketSyscalls(network, p).register(table);
        p.setTable(table, straceOut == null ? null : new Strace(straceOut, p.memory()));
    }

    /** Starts a task (thread) of {@code p} at {@code start} on an idle vCPU, or a new one. */
    Task startTask(SandboxProcess p, Task.Start start, long sigmask, int tid) {
        VcpuThread vt = idle.poll();
        if (vt == null) {
            Cpu cpu = machine.newCpu();
            vt = new VcpuThread(this, cpu);
            allThreads.add(vt);
        }
        Task t = new Task(this, p, tid, start, sigmask);
        tasks.put(tid, t);
        p.threads().add(t);
        vt.assign(t);
        return t;
    }

    int newTid() {
        return allocatePid();
    }

    /** Called by a vCPU thread whose task ended: back to the pool (false: the sandbox is over, stop). */
    boolean idle(VcpuThread vt) {
        lock.lock();
        try {
            if (shutdown) {
                return false;
            }
            idle.push(vt);
            return true;
        } finally {
            lock.unlock();
        }
    }

    Task task(int tid) {
        return tasks.get(tid);
    }

    SandboxProcess process(int pid) {
        SandboxProcess p = processes.get(pid);
        if (p == null) {
            Task t = tasks.get(pid);
            return t == null ? null : t.process();
        }
        return p;
    }

    List<SandboxProcess> processes() {
        return new ArrayList<>(processes.values());
    }

    static int waitStatus(ProgramTermination t) {
        if (t.signal() != 0) {
            return (t.signal() & 0x7f) | (Signals.defaultCore(t.signal()) ? 0x80 : 0);
        }
        return (t.exitCode() & 0xff) << 8;
    }

    /**
     * A bug of the Java kernel surfaced on a task's thread: it goes to the host's stderr with its
     * stack, and the whole sandbox ends with {@link KernelBug#EXIT_STATUS}: every process is
     * killed, whatever it was doing, since the kernel's state can no longer be trusted.
     */
    void kernelBug(KernelBug bug) {
        System.err.println("kapsel: " + bug.getMessage());
        bug.printStackTrace();
        if (this.bug == null) {
            this.bug = bug;
        }
        if (initEnd == null) {
            initEnd = ProgramTermination.kernelBug(bug);
        }
        for (SandboxProcess p : processes()) {
            if (!p.zombie()) {
                exitGroup(p, ProgramTermination.killed(Signals.SIGKILL, "killed: sandbox kernel bug"));
            }
        }
        lock.wakeAll();
    }

    /** The host and domain name every process sees. */
    public UtsNames uts() {
        return uts;
    }

    /** The first kernel bug of this sandbox, or null. */
    KernelBug bug() {
        return bug;
    }

    /** exit_group, or a fatal signal: every thread of {@code p} ends with that status. */
    void exitGroup(SandboxProcess p, ProgramTermination t) {
        if (p.exiting() == null) {
            p.setExiting(waitStatus(t), t.getMessage());
            if (p == init && initEnd == null) {
                initEnd = t;
            }
        }
        for (Task other : p.threads()) {
            other.kill();
        }
        lock.wakeAll();
    }

    /** A thread ended (its own exit, or its process's): clear_child_tid, robust futexes, and the process end if it was the last. */
    void threadExited(Task t, int code) {
        SandboxProcess p = t.process();
        if (p.exiting() == null || p.spaceShared()) {
            releaseRobustList(t);
            if (t.clearChildTid() != 0) {
                try {
                    p.memory().writeU32(t.clearChildTid(), 0);
                    futexes.wake(p, t.clearChildTid(), 1, -1);
                } catch (ErrnoException e) {
                    // as Linux: a bad address is ignored
                }
            }
        }
        tasks.remove(t.tid());
        p.threads().remove(t);
        if (p.threads().isEmpty()) {
            if (p.exiting() == null) {
                p.setExiting((code & 0xff) << 8, "exited with status " + (code & 0xff));
                if (p == init && initEnd == null) {
                    initEnd = ProgramTermination.exited(code);
                }
            }
            processEnded(p);
        }
        lock.wakeAll();
    }

    private void releaseRobustList(Task t) {
        long head = t.robustList();
        if (head == 0) {
            return;
        }
        SandboxProcess p = t.process();
        try {
            long offset = p.memory().readU64(head + 8);
            long pending = p.memory().readU64(head + 16);
            long entry = p.memory().readU64(head);
            for (int i = 0; i < 2048 && entry != head && entry != 0; i++) {
                long next = p.memory().readU64(entry);
                if (entry != pending) {
                    ownerDied(t, (entry & ~1L) + offset);
                }
                entry = next;
            }
            if (pending != 0) {
                ownerDied(t, (pending & ~1L) + offset);
            }
        } catch (ErrnoException e) {
            // a damaged list is the program's problem
        }
    }

    private void ownerDied(Task t, long word) {
        SandboxProcess p = t.process();
        int v = p.memory().readU32(word);
        if ((v & 0x3fffffff) == t.tid()) {
            p.memory().writeU32(word, (v & 0x80000000) | 0x40000000); // FUTEX_WAITERS kept, FUTEX_OWNER_DIED
            futexes.wake(p, word, 1, -1);
        }
    }

    /** A new ITIMER_REAL for {@code p}, on the kernel's timer thread. */
    RealTimer newRealTimer(SandboxProcess p) {
        return new RealTimer(this, p, timers);
    }

    private void processEnded(SandboxProcess p) {
        p.cancelTimers();
        p.fds().closeAll();
        if (!p.spaceShared()) {
            p.space().release();
        }
        p.setVforkDone(true);
        for (SandboxProcess c : new ArrayList<>(p.children())) {
            if (init != null && p != init) {
                c.setParent(init);
                if (c.zombie()) {
                    signalProcess(init, new SignalInfo(Signals.SIGCHLD, SignalInfo.CLD_EXITED, c.pid(), 0, 0));
                }
            }
        }
        p.children().clear();
        p.setZombie();
        SandboxProcess parent = p.parent();
        if (p == init) {
            for (SandboxProcess other : processes()) {
                if (other != p && !other.zombie()) {
                    exitGroup(other, ProgramTermination.killed(Signals.SIGKILL, "killed: PID 1 ended"));
                }
            }
            return;
        }
        if (parent != null) {
            SigAction action = parent.sigaction(Signals.SIGCHLD);
            if (action != null && (action.ignored() || action.noChildWait())) {
                reap(p);
            } else if (p.exitSignal() > 0) {
                int status = p.exiting();
                int code = (status & 0x7f) == 0 ? SignalInfo.CLD_EXITED : (status & 0x80) != 0 ? SignalInfo.CLD_DUMPED : SignalInfo.CLD_KILLED;
                int value = code == SignalInfo.CLD_EXITED ? (status >> 8) & 0xff : status & 0x7f;
                signalProcess(parent, new SignalInfo(p.exitSignal(), code, p.pid(), value, 0));
            }
        }
    }

    /** Undoes {@link #forkProcess} when the child could not be started. */
    void discard(SandboxProcess child) {
        processes.remove(child.pid());
        child.parent().children().remove(child);
        child.fds().closeAll();
        if (!child.spaceShared()) {
            child.space().release();
        }
    }

    void reap(SandboxProcess zombie) {
        processes.remove(zombie.pid());
        if (zombie.parent() != null) {
            zombie.parent().children().remove(zombie);
        }
    }

    private static boolean ignored(SandboxProcess p, int sig) {
        SigAction a = p.sigaction(sig);
        return a == null ? Signals.defaultIgnored(sig) : a.ignored();
    }

    /** Sends a signal to a whole process (kill). */
    void signalProcess(SandboxProcess p, SignalInfo info) {
        if (p.zombie() || p.exiting() != null) {
            return;
        }
        int sig = info.signo();
        if (sig == Signals.SIGKILL) {
            exitGroup(p, ProgramTermination.killed(sig, "killed by SIGKILL"));
            return;
        }
        if (ignored(p, sig)) {
            return;
        }
        p.addPending(info);
        for (Task t : p.threads()) {
            if ((t.sigmask() & Signals.bit(sig)) == 0) {
                t.kick();
                break;
            }
        }
        lock.wakeAll();
    }

    /** Sends a signal to one thread (tgkill, faults, SIGPIPE). */
    void signalTask(Task t, SignalInfo info) {
        SandboxProcess p = t.process();
        if (p.exiting() != null) {
            return;
        }
        if (info.signo() == Signals.SIGKILL) {
            exitGroup(p, ProgramTermination.killed(Signals.SIGKILL, "killed by SIGKILL"));
            return;
        }
        if (ignored(p, info.signo())) {
            return;
        }
        t.addPending(info);
        lock.wakeAll();
    }

    /** Waits, on the caller's thread, until PID 1 has ended and the other tasks with it; returns how PID 1 ended. */
    ProgramTermination awaitEnd() {
        lock.lock();
        try {
            lock.await(() -> initEnd != null, Long.MAX_VALUE);
            lock.await(tasks::isEmpty, System.nanoTime() + DRAIN_NANOS);
            // Tasks still in user mode now are kicked out of KVM_RUN and killed, so none runs on
            // once the machine is closed.
            for (Task t : List.copyOf(tasks.values())) {
                t.kill();
            }
            lock.wakeAll();
            lock.await(tasks::isEmpty, System.nanoTime() + KILL_NANOS);
            shutdown = true;
            timers.shutdownNow();
            for (VcpuThread vt : idle) {
                vt.stop();
            }
            return initEnd;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks still running after PID 1 ended and the drain time passed (they keep the machine open). */
    int stragglers() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }

    /** Host Ctrl-C: SIGINT to the foreground process group (PID 1's group). */
    void interruptForeground(int sig) {
        lock.lock();
        try {
            if (init == null) {
                return;
            }
            int pgid = init.pgid();
            for (SandboxProcess p : processes()) {
                if (p.pgid() == pgid) {
                    signalProcess(p, new SignalInfo(sig, SignalInfo.SI_KERNEL, 0, 0, 0));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    static Regs childRegs(Regs parent, long stack) {
        Regs r = parent.withRax(0).withRip(parent.rcx()).withRflags(parent.r11());
        return stack != 0 ? r.withRsp(stack) : r;
    }
}
