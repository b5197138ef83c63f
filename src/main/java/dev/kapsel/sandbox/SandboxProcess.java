package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.FdTable;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.PathNames;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sandbox.syscall.Strace;
import dev.kapsel.sandbox.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.List;

/**
 * One guest process (a Linux thread group): its address space, open files, working directory,
 * signal dispositions, identity (pid, parent, process group, session), its threads ({@link Task})
 * and, once they have all ended, its wait status as a zombie. The system call classes act on it;
 * each process has its own {@link SyscallTable} bound to it. Guarded by the {@link KernelLock}.
 */
public final class SandboxProcess {
    public static final int PID = 1;
    private final Kernel kernel;
    private final int pid;
    private SandboxProcess parent;
    private final List<SandboxProcess> children = new ArrayList<>();
    private final List<Task> threads = new ArrayList<>();
    private int pgid;
    private final Credentials credentials;
    private int personality;
    private RealTimer realTimer;
    private int sid;
    private AddressSpace space;
    /** Whether {@link #space} belongs to another process too (vfork, CLONE_VM): not released here. */
    private boolean spaceShared;
    private final UserMemory memory;
    private final FdTable fds;
    private final PathNames paths = new PathNames();
    private SigAction[] sigactions;
    private long pendingSignals;
    private final SignalInfo[] pendingInfo = new SignalInfo[Signals.NSIG + 1];
    private Location cwd;
    private String exe;
    private List<String> argv = List.of();
    private int umask = 022;
    private SyscallTable table;
    private Strace strace;
    /** Set when the group is ending (exit_group or a fatal signal): the wait status it will have. */
    private Integer exiting;
    private String exitReason;
    private boolean zombie;
    private boolean vforkDone = true;
    private final int exitSignal;

    SandboxProcess(Kernel kernel, int pid, SandboxProcess parent, AddressSpace space, boolean spaceShared, FdTable fds,
                   Location cwd, SigAction[] sigactions, int exitSignal) {
        this.kernel = kernel;
        this.pid = pid;
        this.parent = parent;
        this.space = space;
        this.spaceShared = spaceShared;
        this.memory = new UserMemory(space, kernel.machine().memory());
        this.fds = fds;
        this.cwd = cwd;
        this.sigactions = sigactions;
        this.exitSignal = exitSignal;
        this.pgid = parent == null ? pid : parent.pgid;
        this.sid = parent == null ? pid : parent.sid;
        this.credentials = parent == null ? new Credentials() : parent.credentials.copy();
        this.personality = parent == null ? 0 : parent.personality;
        if (parent != null) {
            parent.children.add(this);
            exe = parent.exe;
            argv = parent.argv;
            umask = parent.umask;
        }
    }

    public Kernel kernel() {
        return kernel;
    }

    public int pid() {
        return pid;
    }

    public int parentPid() {
        return parent == null ? 0 : parent.pid;
    }

    SandboxProcess parent() {
        return parent;
    }

    void setParent(SandboxProcess p) {
        parent = p;
        p.children.add(this);
    }

    List<SandboxProcess> children() {
        return children;
    }

    List<Task> threads() {
        return threads;
    }

    /** The user and group ids (per process: glibc's set*id change every thread, and so does this). */
    public Credentials credentials() {
        return credentials;
    }

    /** personality(2)'s persona: kept and given back, not acted on (the sandbox runs one execution domain, PER_LINUX). */
    public int personality() {
        return personality;
    }

    public void setPersonality(int persona) {
        personality = persona;
    }

    /** ITIMER_REAL, made on first use (a forked child starts without one). */
    RealTimer realTimer() {
        if (realTimer == null) {
            realTimer = kernel.newRealTimer(this);
        }
        return realTimer;
    }

    void cancelTimers() {
        if (realTimer != null) {
            realTimer.cancel();
        }
    }

    public int pgid() {
        return pgid;
    }

    void setPgid(int pgid) {
        this.pgid = pgid;
    }

    public int sid() {
        return sid;
    }

    void setSid(int sid) {
        this.sid = sid;
    }

    public Machine machine() {
        return kernel.machine();
    }

    public AddressSpace space() {
        return space;
    }

    boolean spaceShared() {
        return spaceShared;
    }

    /** execve: the program now runs in {@code next}; the old space's pages are freed unless another process uses it. */
    public void replaceSpace(AddressSpace next) {
        AddressSpace old = space;
        space = next;
        memory.setSpace(next);
        if (old != null && old != next && !spaceShared) {
            old.release();
        }
        spaceShared = false;
    }

    public UserMemory memory() {
        return memory;
    }

    public Vfs vfs() {
        return kernel.vfs();
    }

    public FdTable fds() {
        return fds;
    }

    public PathNames paths() {
        return paths;
    }

    public SandboxLimits limits() {
        return kernel.limits();
    }

    public long startNanos() {
        return kernel.startNanos();
    }

    public Location cwd() {
        return cwd;
    }

    public void setCwd(Location cwd) {
        this.cwd = cwd;
    }

    public String exe() {
        return exe;
    }

    public List<String> argv() {
        return argv;
    }

    public void setProgram(String exe, List<String> argv) {
        this.exe = exe;
        this.argv = List.copyOf(argv);
    }

    /** The stored sigaction of {@code sig}, or null (SIG_DFL). */
    public SigAction sigaction(int sig) {
        return sigactions[sig];
    }

    SigAction[] sigactions() {
        return sigactions;
    }

    public void setSigaction(int sig, SigAction action) {
        sigactions[sig] = action;
        if (action != null && action.ignored() || action == null && Signals.defaultIgnored(sig)) {
            pendingSignals &= ~Signals.bit(sig);
            pendingInfo[sig] = null;
            for (Task t : threads) {
                t.discardPending(sig);
            }
        }
    }

    /** execve: handled signals go back to SIG_DFL; ignored ones stay ignored. */
    void resetHandlersForExec() {
        for (int s = 1; s <= Signals.NSIG; s++) {
            if (sigactions[s] != null && !sigactions[s].ignored()) {
                sigactions[s] = null;
            }
        }
    }

    /** The blocked-signal mask of the calling thread. */
    public long sigmask() {
        return Task.current().sigmask();
    }

    public void setSigmask(long mask) {
        Task.current().setSigmask(mask);
    }

    long pendingSignals() {
        return pendingSignals;
    }

    void addPending(SignalInfo info) {
        pendingSignals |= Signals.bit(info.signo());
        if (pendingInfo[info.signo()] == null) {
            pendingInfo[info.signo()] = info;
        }
    }

    SignalInfo takePending(int sig) {
        pendingSignals &= ~Signals.bit(sig);
        SignalInfo i = pendingInfo[sig];
        pendingInfo[sig] = null;
        return i;
    }

    public int umask() {
        return umask;
    }

    public void setUmask(int umask) {
        this.umask = umask & 0777;
    }

    public SyscallTable table() {
        return table;
    }

    void setTable(SyscallTable table, Strace strace) {
        this.table = table;
        this.strace = strace;
    }

    Strace strace() {
        return strace;
    }

    Integer exiting() {
        return exiting;
    }

    String exitReason() {
        return exitReason;
    }

    void setExiting(int waitStatus, String reason) {
        if (exiting == null) {
            exiting = waitStatus;
            exitReason = reason;
        }
    }

    boolean zombie() {
        return zombie;
    }

    void setZombie() {
        zombie = true;
    }

    int exitSignal() {
        return exitSignal;
    }

    boolean vforkDone() {
        return vforkDone;
    }

    void setVforkDone(boolean done) {
        vforkDone = done;
    }
}
