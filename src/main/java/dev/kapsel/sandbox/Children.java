package dev.kapsel.sandbox;

import dev.kapsel.kvm.Regs;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sys.Errno;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * fork without concurrency, enough for a shell that runs one command at a time: the child (a full
 * copy of the address space and descriptor table) runs on the vCPU until it exits or is killed,
 * then the parent resumes from its fork with the child's pid and can reap it with wait4. There is
 * one vCPU and no scheduler yet (part 2), so a parent never runs while its child is alive.
 */
final class Children {
    private static final int MAX_DEPTH = 32;
    private static final int CLONE_VM = 0x100, CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_SETTID = 0x01000000;

    /** A fork the system call handler asks the run loop to perform (it needs the registers). */
    static final class ForkRequest extends RuntimeException {
        final long flags, stack, parentTid, childTid;

        ForkRequest(long flags, long stack, long parentTid, long childTid) {
            super(null, null, false, false);
            this.flags = flags;
            this.stack = stack;
            this.parentTid = parentTid;
            this.childTid = childTid;
        }
    }

    private record Parent(SandboxProcess.State state, Regs regs, long fsBase, int childPid) {}

    private record Zombie(int pid, int parentPid, int waitStatus) {}

    private final Deque<Parent> parents = new ArrayDeque<>();
    private final Deque<Zombie> zombies = new ArrayDeque<>();
    private int nextPid = SandboxProcess.PID + 1;

    static void check(long flags) {
        if ((flags & CLONE_THREAD) != 0 || ((flags & CLONE_VM) != 0 && (flags & CLONE_VFORK) == 0)) {
            throw new ErrnoException(Errno.ENOSYS); // threads: part 2
        }
    }

    /** Forks at the system call {@code regs}: afterwards the vCPU runs the child. */
    void fork(SandboxProcess p, Machine machine, Regs regs, ForkRequest request) {
        if (parents.size() >= MAX_DEPTH) {
            machine.resumeFromSyscall(regs, -Errno.EAGAIN);
            return;
        }
        int childPid = nextPid++;
        AddressSpace childSpace = p.space().copy();
        long fsBase = machine.fsBase();
        if ((request.flags & CLONE_PARENT_SETTID) != 0) {
            p.memory().writeU32(request.parentTid, childPid);
        }
        parents.push(new Parent(p.save(), regs, fsBase, childPid));
        p.becomeChild(childSpace, childPid);
        machine.switchTo(childSpace.pageTable(), fsBase);
        if ((request.flags & CLONE_CHILD_SETTID) != 0) {
            try {
                p.memory().writeU32(request.childTid, childPid);
            } catch (ErrnoException e) {
                // as Linux: a bad address is the child's problem later
            }
        }
        Regs childRegs = request.stack != 0 ? regs.withRsp(request.stack) : regs;
        machine.resumeFromSyscall(childRegs, 0);
    }

    /** Is a forked child running (so its end resumes a parent rather than ending the sandbox)? */
    boolean inChild() {
        return !parents.isEmpty();
    }

    /** The running child ended: record it for wait4 and resume its parent. */
    void childEnded(SandboxProcess p, Machine machine, ProgramTermination end) {
        Parent parent = parents.pop();
        int status = end.signal() != 0 ? end.signal() & 0x7f : (end.exitCode() & 0xff) << 8;
        zombies.add(new Zombie(p.pid(), parent.state().pid(), status));
        AddressSpace childSpace = p.space();
        p.restore(parent.state());
        childSpace.release();
        machine.switchTo(p.space().pageTable(), parent.fsBase());
        machine.resumeFromSyscall(parent.regs(), parent.childPid());
    }

    /** wait4: reaps a zombie child of the current process; ECHILD if there is none (no child is ever running). */
    long wait4(SandboxProcess p, long pidArgument, long statusAddress, long options) {
        int pid = (int) pidArgument; // pid_t is an int: -1 arrives zero-extended
        if ((options & ~(1L | 2L | 8L | 0x40000000L | 0x80000000L)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        for (Iterator<Zombie> it = zombies.iterator(); it.hasNext(); ) {
            Zombie z = it.next();
            if (z.parentPid() == p.pid() && (pid == -1 || pid == 0 || pid == z.pid() || pid == -SandboxProcess.PID)) {
                if (statusAddress != 0) {
                    p.memory().writeU32(statusAddress, z.waitStatus());
                }
                it.remove();
                return z.pid();
            }
        }
        throw new ErrnoException(Errno.ECHILD);
    }
}
