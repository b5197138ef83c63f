package dev.kapsel.sandbox.syscall;

import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.SandboxProcess;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sys.Errno;
import java.time.Instant;

/** Clocks and sleeps: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep, times. */
public final class TimeSyscalls {
    private static final long NANOS = 1_000_000_000L;
    private final SandboxProcess p;
    private final UserMemory mem;

    public TimeSyscalls(SandboxProcess process) {
        this.p = process;
        this.mem = process.memory();
    }

    public void register(SyscallTable t) {
        t.define(35, "nanosleep", (a, b, c, d, e, f) -> sleep(readTimespec(a), false, 1), HEX, HEX);
        t.define(96, "gettimeofday", (a, b, c, d, e, f) -> gettimeofday(a), HEX, HEX);
        t.define(100, "times", (a, b, c, d, e, f) -> times(a), HEX);
        t.define(201, "time", (a, b, c, d, e, f) -> time(a), HEX);
        t.define(228, "clock_gettime", (a, b, c, d, e, f) -> { writeTimespec(b, now(a)); return 0; }, INT, HEX);
        t.define(229, "clock_getres", (a, b, c, d, e, f) -> { now(a); if (b != 0) { writeTimespec(b, 1); } return 0; }, INT, HEX);
        t.define(230, "clock_nanosleep", (a, b, c, d, e, f) -> sleep(readTimespec(c), (b & 1) != 0, a), INT, HEX, HEX, HEX);
    }

    /** Nanoseconds on clock {@code id}. */
    long now(long id) {
        return switch ((int) id) {
            case 0, 5, 8, 11 -> { // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
                Instant i = Instant.now();
                yield i.getEpochSecond() * NANOS + i.getNano();
            }
            case 1, 4, 6, 7, 9 -> System.nanoTime() - p.startNanos() + 1000 * NANOS; // monotonic since "boot"
            case 2, 3 -> System.nanoTime() - p.startNanos(); // CPU time, approximated by wall time
            default -> throw new ErrnoException(Errno.EINVAL);
        };
    }

    private void writeTimespec(long address, long nanos) {
        mem.writeU64(address, Math.floorDiv(nanos, NANOS));
        mem.writeU64(address + 8, Math.floorMod(nanos, NANOS));
    }

    private long readTimespec(long address) {
        long sec = mem.readU64(address);
        long nsec = mem.readU64(address + 8);
        if (sec < 0 || nsec < 0 || nsec >= NANOS) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return sec > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE : sec * NANOS + nsec;
    }

    long sleep(long nanos, boolean absolute, long clock) {
        long deadline = absolute ? nanos - now(clock) : nanos;
        long until = System.nanoTime() + Math.max(0, deadline);
        if (deadline > 0 && until < 0) {
            until = Long.MAX_VALUE;
        }
        if (deadline <= 0) {
            return 0;
        }
        long end = until;
        p.kernel().lock().await(() -> System.nanoTime() - end >= 0, until == Long.MAX_VALUE ? Long.MAX_VALUE : until);
        return 0;
    }

    long gettimeofday(long tv) {
        if (tv != 0) {
            long n = now(0);
            mem.writeU64(tv, n / NANOS);
            mem.writeU64(tv + 8, (n % NANOS) / 1000);
        }
        return 0;
    }

    long time(long out) {
        long s = now(0) / NANOS;
        if (out != 0) {
            mem.writeU64(out, s);
        }
        return s;
    }

    long times(long buf) {
        long ticks = (System.nanoTime() - p.startNanos()) / 10_000_000L;
        if (buf != 0) {
            byte[] b = new byte[32];
            Bytes.putLong(b, 0, ticks);
            mem.write(buf, b);
        }
        return ticks + 100_000;
    }
}
