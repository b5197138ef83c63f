package dev.kapsel.sandbox.syscall;

import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.Credentials;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.SandboxProcess;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sys.Errno;

/** The user and group id calls (credentials(7)) and personality(2), over the process's {@link Credentials}. */
public final class CredentialSyscalls {
    /** personality(0xffffffff) only asks. */
    private static final int PERSONALITY_QUERY = -1;
    private final SandboxProcess p;
    private final UserMemory mem;

    public CredentialSyscalls(SandboxProcess process) {
        this.p = process;
        this.mem = process.memory();
    }

    public void register(SyscallTable t) {
        Credentials c = p.credentials();
        t.define(102, "getuid", (a, b, cc, d, e, f) -> c.ruid() & 0xffff_ffffL);
        t.define(104, "getgid", (a, b, cc, d, e, f) -> c.rgid() & 0xffff_ffffL);
        t.define(105, "setuid", (a, b, cc, d, e, f) -> { c.setuid(a); return 0; }, INT);
        t.define(106, "setgid", (a, b, cc, d, e, f) -> { c.setgid(a); return 0; }, INT);
        t.define(107, "geteuid", (a, b, cc, d, e, f) -> c.euid() & 0xffff_ffffL);
        t.define(108, "getegid", (a, b, cc, d, e, f) -> c.egid() & 0xffff_ffffL);
        t.define(113, "setreuid", (a, b, cc, d, e, f) -> { c.setreuid(a, b); return 0; }, INT, INT);
        t.define(114, "setregid", (a, b, cc, d, e, f) -> { c.setregid(a, b); return 0; }, INT, INT);
        t.define(115, "getgroups", (a, b, cc, d, e, f) -> getgroups(a, b), INT, HEX);
        t.define(116, "setgroups", (a, b, cc, d, e, f) -> setgroups(a, b), INT, HEX);
        t.define(117, "setresuid", (a, b, cc, d, e, f) -> { c.setresuid(a, b, cc); return 0; }, INT, INT, INT);
        t.define(118, "getresuid", (a, b, cc, d, e, f) -> getres(a, b, cc, c.ruid(), c.euid(), c.suid()), HEX, HEX, HEX);
        t.define(119, "setresgid", (a, b, cc, d, e, f) -> { c.setresgid(a, b, cc); return 0; }, INT, INT, INT);
        t.define(120, "getresgid", (a, b, cc, d, e, f) -> getres(a, b, cc, c.rgid(), c.egid(), c.sgid()), HEX, HEX, HEX);
        t.define(122, "setfsuid", (a, b, cc, d, e, f) -> c.setfsuid(a) & 0xffff_ffffL, INT);
        t.define(123, "setfsgid", (a, b, cc, d, e, f) -> c.setfsgid(a) & 0xffff_ffffL, INT);
        t.define(135, "personality", (a, b, cc, d, e, f) -> personality(a), HEX);
    }

    private long getres(long r, long e, long s, int rv, int ev, int sv) {
        mem.writeU32(r, rv);
        mem.writeU32(e, ev);
        mem.writeU32(s, sv);
        return 0;
    }

    private long getgroups(long sizeArgument, long list) {
        int size = (int) sizeArgument; // an int in the kernel's prototype
        int[] groups = p.credentials().groups();
        if (size < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (size == 0) {
            return groups.length;
        }
        if (size < groups.length) {
            throw new ErrnoException(Errno.EINVAL);
        }
        for (int i = 0; i < groups.length; i++) {
            mem.writeU32(list + 4L * i, groups[i]);
        }
        return groups.length;
    }

    private long setgroups(long sizeArgument, long list) {
        int size = (int) sizeArgument;
        if (size < 0 || size > Credentials.MAX_GROUPS) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int[] groups = new int[size];
        for (int i = 0; i < size; i++) {
            groups[i] = mem.readU32(list + 4L * i);
        }
        p.credentials().setGroups(groups);
        return 0;
    }

    private long personality(long persona) {
        int old = p.personality();
        if ((int) persona != PERSONALITY_QUERY) {
            p.setPersonality((int) persona);
        }
        return old & 0xffff_ffffL;
    }
}
