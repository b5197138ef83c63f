package dev.kapsel.sandbox;

import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sys.Errno;

/**
 * alarm(2), getitimer(2) and setitimer(2) over the process's {@link RealTimer}. Only ITIMER_REAL
 * is served: ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) fail with EINVAL, since the
 * kernel does not account user CPU time per process.
 */
final class TimerSyscalls {
    private static final int ITIMER_REAL = 0;
    private static final long MICROS = 1_000L, SECOND = 1_000_000_000L;
    private final SandboxProcess p;
    private final UserMemory mem;

    TimerSyscalls(SandboxProcess process) {
        this.p = process;
        this.mem = process.memory();
    }

    void register(SyscallTable t) {
        t.define(36, "getitimer", (a, b, c, d, e, f) -> getitimer(a, b), INT, HEX);
        t.define(37, "alarm", (a, b, c, d, e, f) -> alarm(a), INT);
        t.define(38, "setitimer", (a, b, c, d, e, f) -> setitimer(a, b, c), INT, HEX, HEX);
    }

    private RealTimer timer(long which) {
        if (which != ITIMER_REAL) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return p.realTimer();
    }

    /** alarm: seconds left of the previous alarm, rounded to the nearest second but never 0 for a pending one (as Linux). */
    private long alarm(long seconds) {
        long[] old = p.realTimer().set((seconds & 0xffff_ffffL) * SECOND, 0);
        if (old[0] == 0) {
            return 0;
        }
        long s = old[0] / SECOND + (old[0] % SECOND >= SECOND / 2 ? 1 : 0);
        return Math.max(1, s);
    }

    private long getitimer(long which, long address) {
        write(address, timer(which).get());
        return 0;
    }

    private long setitimer(long which, long newAddress, long oldAddress) {
        RealTimer timer = timer(which);
        long interval = 0, value = 0;
        if (newAddress != 0) { // a null new value disarms, as Linux accepts for old programs
            interval = readTimeval(newAddress);
            value = readTimeval(newAddress + 16);
        }
        long[] old = timer.set(value, interval);
        if (oldAddress != 0) {
            write(oldAddress, old);
        }
        return 0;
    }

    /** A struct timeval in nanoseconds; EINVAL for a negative value or microseconds outside 0..999999. */
    private long readTimeval(long address) {
        long sec = mem.readU64(address);
        long usec = mem.readU64(address + 8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000 || sec > Long.MAX_VALUE / SECOND - 1) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return sec * SECOND + usec * MICROS;
    }

    /** struct itimerval: it_interval then it_value, each a timeval; a pending value shows at least 1 µs. */
    private void write(long address, long[] valueAndInterval) {
        long value = valueAndInterval[0] == 0 ? 0 : Math.max(MICROS, valueAndInterval[0]);
        mem.writeU64(address, valueAndInterval[1] / SECOND);
        mem.writeU64(address + 8, valueAndInterval[1] % SECOND / MICROS);
        mem.writeU64(address + 16, value / SECOND);
        mem.writeU64(address + 24, value % SECOND / MICROS);
    }
}
