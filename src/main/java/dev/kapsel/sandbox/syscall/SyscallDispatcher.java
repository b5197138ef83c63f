package dev.kapsel.sandbox.syscall;

import dev.kapsel.kvm.Regs;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.ProgramTermination;
import dev.kapsel.sys.Errno;
import java.util.Map;
import java.util.TreeMap;

/**
 * Serves one system call: decodes the number and arguments from the registers (RAX; RDI, RSI, RDX,
 * R10, R8, R9), runs the handler, and returns the value for RAX. Errors become {@code -errno};
 * unknown numbers return -ENOSYS and are counted by number.
 */
public final class SyscallDispatcher {
    private final Map<Long, Long> unimplemented = new TreeMap<>();
    private long calls;

    /** Serves the call in {@code r} with {@code table} (the calling process's); {@code strace} may be null. */
    public long dispatch(SyscallTable table, Strace strace, int tid, Regs r) {
        synchronized (this) {
            calls++;
        }
        long nr = r.rax();
        long[] a = {r.rdi(), r.rsi(), r.rdx(), r.r10(), r.r8(), r.r9()};
        SyscallTable.Entry e = table.get(nr);
        if (e == null) {
            synchronized (this) {
                unimplemented.merge(nr, 1L, Long::sum);
            }
            if (strace != null) {
                strace.print("syscall_" + nr + "(0x" + Long.toHexString(a[0]) + ", 0x" + Long.toHexString(a[1]) + ", 0x"
                        + Long.toHexString(a[2]) + ")", -Errno.ENOSYS);
            }
            return -Errno.ENOSYS;
        }
        String shown = strace != null ? (tid != 1 ? "[pid " + tid + "] " : "") + strace.describe(e.name(), e.args(), a) : null;
        long result;
        try {
            result = e.handler().call(a[0], a[1], a[2], a[3], a[4], a[5]);
        } catch (ErrnoException ex) {
            result = -ex.errno();
        } catch (ProgramTermination t) {
            if (strace != null) {
                strace.printUnfinished(shown, "<" + t.getMessage() + ">");
            }
            throw t;
        } catch (RuntimeException other) {
            if (strace != null) {
                strace.printUnfinished(shown, "<continued by the run loop>");
            }
            throw other;
        }
        if (strace != null) {
            strace.print(shown, result);
        }
        return result;
    }

    /** System calls the program made that the kernel does not implement: number -> count. */
    public synchronized Map<Long, Long> unimplemented() {
        return Map.copyOf(unimplemented);
    }

    public synchronized long calls() {
        return calls;
    }
}
