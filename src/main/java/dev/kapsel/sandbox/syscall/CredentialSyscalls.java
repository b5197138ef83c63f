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
        Credentials.Ids u = p.credentials().uid();
        Credentials.Ids g = p.credentials().gid();
        t.define(102, "getuid", (a, b, c, d, e, f) -> u.real() & 0xffff_ffffL);
        t.define(104, "getgid", (a, b, c, d, e, f) -> g.real() & 0xffff_ffffL);
        t.define(105, "setuid", (a, b, c, d, e, f) -> { u.set(a); return 0; }, INT);
        t.define(106, "setgid", (a, b, c, d, e, f) -> { g.set(a); return 0; }, INT);
        t.define(107, "geteuid", (a, b, c, d, e, f) -> u.effective() & 0xffff_ffffL);
        t.define(108, "getegid", (a, b, c, d, e, f) -> g.effective() & 0xffff_ffffL);
        t.define(113, "setreuid", (a, b, c, d, e, f) -> { u.setRe(a, b); return 0; }, INT, INT);
        t.define(114, "setregid", (a, b, c, d, e, f) -> { g.setRe(a, b); return 0; }, INT, INT);
        t.define(115, "getgroups", (a, b, c, d, e, f) -> getgroups(a, b), INT, HEX);
        t.define(116, "setgroups", (a, b, c, d, e, f) -> setgroups(a, b), INT, HEX);
        t.define(117, "setresuid", (a, b, c, d, e, f) -> { u.setRes(a, b, c); return 0; }, INT, INT, INT);
        t.define(118, "getresuid", (a, b, c, d, e, f) -> getres(a, b, c, u), HEX, HEX, HEX);
        t.define(119, "setresgid", (a, b, c, d, e, f) -> { g.setRes(a, b, c); return 0; }, INT, INT, INT);
        t.define(120, "getresgid", (a, b, c, d, e, f) -> getres(a, b, c, g), HEX, HEX, HEX);
        t.define(122, "setfsuid", (a, b, c, d, e, f) -> u.setFs(a) & 0xffff_ffffL, INT);
        t.define(123, "setfsgid", (a, b, c, d, e, f) -> g.setFs(a) & 0xffff_ffffL, INT);
        t.define(135, "personality", (a, b, c, d, e, f) -> personality(a), HEX);
    }

    private long getres(long r, long e, long s, Credentials.Ids ids) {
        mem.writeU32(r, ids.real());
        mem.writeU32(e, ids.effective());
        mem.writeU32(s, ids.saved());
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
