package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.FdTable;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.PathNames;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.mm.UserMemory;
import java.util.List;

/**
 * The process the sandbox is running: its address space, open files, working directory, signal
 * dispositions (bookkeeping only) and identity. The system call classes act on it. A fork runs the
 * child to its end first ({@link Children}): the parent's state is saved with {@link #save()} and
 * comes back with {@link #restore(State)}.
 */
public final class SandboxProcess {
    public static final int PID = 1;
    private final Machine machine;
    private AddressSpace space;
    private final UserMemory memory;
    private final Vfs vfs;
    private FdTable fds = new FdTable();
    private final PathNames paths = new PathNames();
    private final SandboxLimits limits;
    private final long startNanos = System.nanoTime();
    private long[][] sigactions = new long[Signals.NSIG + 1][];
    private int pid = PID;
    private int parentPid = 0;
    private long sigmask;
    private Location cwd;
    private String exe;
    private List<String> argv = List.of();
    private int umask = 022;

    public SandboxProcess(Machine machine, AddressSpace space, Vfs vfs, SandboxLimits limits) {
        this.machine = machine;
        this.space = space;
        this.memory = new UserMemory(space, machine.memory());
        this.vfs = vfs;
        this.limits = limits;
        this.cwd = vfs.root();
    }

    /** Everything that differs between a parent and its forked child. */
    public record State(AddressSpace space, FdTable fds, Location cwd, String exe, List<String> argv,
                        long[][] sigactions, long sigmask, int umask, int pid, int parentPid) {}

    public State save() {
        return new State(space, fds, cwd, exe, argv, sigactions, sigmask, umask, pid, parentPid);
    }

    public void restore(State s) {
        space = s.space();
        memory.setSpace(s.space());
        fds = s.fds();
        cwd = s.cwd();
        exe = s.exe();
        argv = s.argv();
        sigactions = s.sigactions();
        sigmask = s.sigmask();
        umask = s.umask();
        pid = s.pid();
        parentPid = s.parentPid();
    }

    /** Becomes the child: its own copy of the address space and descriptor table, a new pid. */
    public void becomeChild(AddressSpace childSpace, int childPid) {
        int parent = pid;
        space = childSpace;
        memory.setSpace(childSpace);
        fds = fds.copy();
        sigactions = sigactions.clone();
        pid = childPid;
        parentPid = parent;
    }

    public int pid() {
        return pid;
    }

    public int parentPid() {
        return parentPid;
    }

    public Machine machine() {
        return machine;
    }

    public AddressSpace space() {
        return space;
    }

    /** execve: the program now runs in {@code next}; the old space's pages are freed. */
    public void replaceSpace(AddressSpace next) {
        AddressSpace old = space;
        space = next;
        memory.setSpace(next);
        if (old != null && old != next) {
            old.release();
        }
    }

    public UserMemory memory() {
        return memory;
    }

    public Vfs vfs() {
        return vfs;
    }

    public FdTable fds() {
        return fds;
    }

    public PathNames paths() {
        return paths;
    }

    public SandboxLimits limits() {
        return limits;
    }

    public long startNanos() {
        return startNanos;
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

    /** The stored sigaction of {@code sig}: {handler, flags, restorer, mask}, or null (SIG_DFL). */
    public long[] sigaction(int sig) {
        return sigactions[sig];
    }

    public void setSigaction(int sig, long[] action) {
        sigactions[sig] = action;
    }

    public long sigmask() {
        return sigmask;
    }

    public void setSigmask(long mask) {
        sigmask = mask;
    }

    public int umask() {
        return umask;
    }

    public void setUmask(int umask) {
        this.umask = umask & 0777;
    }
}
