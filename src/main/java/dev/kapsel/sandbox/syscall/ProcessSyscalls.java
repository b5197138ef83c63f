package dev.kapsel.sandbox.syscall;

import static dev.kapsel.sandbox.syscall.Arg.FD;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.ProgramTermination;
import dev.kapsel.sandbox.SandboxProcess;
import dev.kapsel.sandbox.SigAction;
import dev.kapsel.sandbox.UtsNames;
import dev.kapsel.sandbox.Signals;
import dev.kapsel.sandbox.fs.CharDevice;
import dev.kapsel.sandbox.machine.KernelLayout;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sys.Errno;

/**
 * Process-level calls a single program makes: exit, identity, uname, limits, sysinfo, TLS
 * (arch_prctl), signal bookkeeping, kill of itself, and the single-threaded futex.
 */
public final class ProcessSyscalls {
    private static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
    private static final long RLIM_INFINITY = -1L;
    private final SandboxProcess p;
    private final UserMemory mem;
    
    public ProcessSyscalls(SandboxProcess process) {
        this.p = process;
        this.mem = process.memory();
    }

    public void register(SyscallTable t) {
        t.define(13, "rt_sigaction", (a, b, c, d, e, f) -> rtSigaction(a, b, c, d), INT, HEX, HEX, INT);
        t.define(14, "rt_sigprocmask", (a, b, c, d, e, f) -> rtSigprocmask(a, b, c, d), INT, HEX, HEX, INT);
        t.define(24, "sched_yield", (a, b, c, d, e, f) -> 0);
        t.define(63, "uname", (a, b, c, d, e, f) -> uname(a), HEX);
        t.define(97, "getrlimit", (a, b, c, d, e, f) -> prlimit(0, a, 0, b), INT, HEX);
        t.define(98, "getrusage", (a, b, c, d, e, f) -> { mem.write(b, new byte[144]); return 0; }, INT, HEX);
        t.define(99, "sysinfo", (a, b, c, d, e, f) -> sysinfo(a), HEX);
        t.define(157, "prctl", (a, b, c, d, e, f) -> prctl(a, b), INT, HEX);
        t.define(160, "setrlimit", (a, b, c, d, e, f) -> 0, INT, HEX);
        t.define(170, "sethostname", (a, b, c, d, e, f) -> setName(a, b, true), HEX, INT);
        t.define(171, "setdomainname", (a, b, c, d, e, f) -> setName(a, b, false), HEX, INT);
        t.define(204, "sched_getaffinity", (a, b, c, d, e, f) -> schedGetaffinity(b, c), INT, INT, HEX);
        t.define(302, "prlimit64", (a, b, c, d, e, f) -> prlimit(a, b, c, d), INT, INT, HEX, HEX);
        t.define(318, "getrandom", (a, b, c, d, e, f) -> getrandom(a, b, c), HEX, INT, HEX);
        t.define(334, "rseq", (a, b, c, d, e, f) -> { throw new ErrnoException(Errno.ENOSYS); }, HEX, INT, HEX, HEX);
    }

    long rtSigaction(long sig, long act, long oldact, long sigsetsize) {
        if (sigsetsize != 8 || sig < 1 || sig > Signals.NSIG) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (act != 0 && (sig == Signals.SIGKILL || sig == 19)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        SigAction old = p.sigaction((int) sig);
        if (act != 0) {
            SigAction now = new SigAction(mem.readU64(act), mem.readU64(act + 8), mem.readU64(act + 16),
                    mem.readU64(act + 24));
            if (oldact != 0) {
                writeSigaction(oldact, old);
            }
            p.setSigaction((int) sig, now.handler() == Signals.SIG_DFL ? null : now);
        } else if (oldact != 0) {
            writeSigaction(oldact, old);
        }
        return 0;
    }

    private void writeSigaction(long address, SigAction a) {
        byte[] b = new byte[SigAction.SIZE];
        if (a != null) {
            Bytes.putLong(b, 0, a.handler());
            Bytes.putLong(b, 8, a.flags());
            Bytes.putLong(b, 16, a.restorer());
            Bytes.putLong(b, 24, a.mask());
        }
        mem.write(address, b);
    }

    long rtSigprocmask(long how, long set, long oldset, long size) {
        if (size != 8) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long old = p.sigmask();
        if (set != 0) {
            long s = mem.readU64(set) & ~((1L << (Signals.SIGKILL - 1)) | (1L << 18));
            switch ((int) how) {
                case 0 -> p.setSigmask(old | s);
                case 1 -> p.setSigmask(old & ~s);
                case 2 -> p.setSigmask(s);
                default -> throw new ErrnoException(Errno.EINVAL);
            }
        }
        if (oldset != 0) {
            mem.writeU64(oldset, old);
        }
        return 0;
    }

    private static void putName(byte[] b, int at, byte[] name) {
        System.arraycopy(name, 0, b, at, Math.min(name.length, UtsNames.MAX_LENGTH)); // the rest of the 65 bytes stays NUL
    }

    /** sethostname(2)/setdomainname(2): EINVAL beyond 64 bytes, EPERM unless root, EFAULT for a bad buffer. */
    private long setName(long address, long length, boolean host) {
        int n = UtsNames.checkedLength(length);
        byte[] name = mem.read(address, n);
        if (host) {
            p.kernel().uts().setHostname(name, p.credentials());
        } else {
            p.kernel().uts().setDomainname(name, p.credentials());
        }
        return 0;
    }

    long uname(long buf) {
        byte[] b = new byte[65 * 6];
        Bytes.putString(b, 0, "Linux", 65);
        UtsNames uts = p.kernel().uts();
        putName(b, 65, uts.hostname());
        Bytes.putString(b, 130, "6.1.0-kapsel-sandbox", 65);
        Bytes.putString(b, 195, "#1 SMP kapsel sandbox", 65);
        Bytes.putString(b, 260, "x86_64", 65);
        putName(b, 325, uts.domainname());
        mem.write(buf, b);
        return 0;
    }

    long prlimit(long pid, long resource, long newLimit, long oldLimit) {
        if (pid != 0 && pid != SandboxProcess.PID) {
            throw new ErrnoException(Errno.ESRCH);
        }
        if (resource < 0 || resource > 15) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (oldLimit != 0) {
            long[] v = switch ((int) resource) {
                case 2, 9 -> new long[] {p.limits().memoryBytes(), p.limits().memoryBytes()};   // DATA, AS
                case 3 -> new long[] {8L << 20, RLIM_INFINITY};                                 // STACK
                case 4 -> new long[] {0, RLIM_INFINITY};                                        // CORE
                case 6 -> new long[] {1, 1};                                                    // NPROC
                case 7 -> new long[] {1024, 1024};                                              // NOFILE
                default -> new long[] {RLIM_INFINITY, RLIM_INFINITY};
            };
            mem.writeU64(oldLimit, v[0]);
            mem.writeU64(oldLimit + 8, v[1]);
        }
        if (newLimit != 0) {
            mem.read(newLimit, 16);
        }
        return 0;
    }

    long sysinfo(long buf) {
        byte[] b = new byte[112];
        long total = p.limits().memoryBytes();
        long used = p.machine().frames().framesInUse() * KernelLayout.PAGE_SIZE;
        Bytes.putLong(b, 0, (System.nanoTime() - p.startNanos()) / 1_000_000_000L);
        Bytes.putLong(b, 32, total);
        Bytes.putLong(b, 40, Math.max(0, total - used));
        b[80] = 1; // procs
        Bytes.putInt(b, 104, 1); // mem_unit
        mem.write(buf, b);
        return 0;
    }

    long prctl(long option, long arg) {
        return switch ((int) option) {
            case 15, 16 -> 0;                 // PR_SET_NAME, PR_GET_NAME (name not kept)
            case 38, 39 -> 0;                 // PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS
            default -> throw new ErrnoException(Errno.EINVAL);
        };
    }

    long schedGetaffinity(long size, long mask) {
        if (size < 8 || (size & 7) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        mem.writeU64(mask, 1);
        return 8;
    }

    long getrandom(long buf, long count, long flags) {
        if ((flags & ~7L) != 0 || count < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        int n = (int) Math.min(count, 32 << 20);
        mem.check(buf, n, true);
        byte[] chunk = new byte[Math.min(n, 64 << 10)];
        long done = 0;
        while (done < n) {
            int k = (int) Math.min(chunk.length, n - done);
            CharDevice.random(chunk);
            mem.write(buf + done, chunk, 0, k);
            done += k;
        }
        return n;
    }
}
