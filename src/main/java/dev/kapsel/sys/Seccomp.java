package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The two calls that confine a process: {@code prctl(PR_SET_NO_NEW_PRIVS, 1)} (no execve can gain
 * privileges again, and an unprivileged process may install a filter) and
 * {@code seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog)} (glibc has no wrapper:
 * through {@code syscall(2)}), plus their read-back. The program is built by
 * {@link dev.kapsel.sys.seccomp.SeccompFilter}.
 */
public final class Seccomp {
    private Seccomp() {}

    static final int PR_GET_SECCOMP = 21;
    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int PR_GET_NO_NEW_PRIVS = 39;
    static final long SYS_SECCOMP = 317;
    static final int SECCOMP_SET_MODE_FILTER = 1;
    static final int SECCOMP_GET_ACTION_AVAIL = 2;
    /** Every thread of the process gets the filter, or none does and the call fails. */
    static final int SECCOMP_FILTER_FLAG_TSYNC = 1;

    /** {@code struct sock_fprog}: {@code unsigned short len;} then, aligned, {@code struct sock_filter *filter;}. */
    static final StructLayout SOCK_FPROG = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("len"), MemoryLayout.paddingLayout(6), ValueLayout.ADDRESS.withName("filter"));
    /** sizeof(struct sock_filter). */
    static final int SOCK_FILTER_SIZE = 8;

    private static final MethodHandle PRCTL = Libc.handle("prctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            java.lang.foreign.Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL3 = Libc.handle("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            java.lang.foreign.Linker.Option.firstVariadicArg(1));

    private static int prctl(String what, int option, long arg) {
        MemorySegment state = Libc.STATE.get();
        try {
            int r = (int) PRCTL.invokeExact(state, option, arg, 0L, 0L, 0L);
            if (r < 0) {
                throw new SyscallException(what, Libc.errno(state));
            }
            return r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0). */
    public static void setNoNewPrivs() {
        prctl("prctl PR_SET_NO_NEW_PRIVS", PR_SET_NO_NEW_PRIVS, 1);
    }

    /** Whether this process has no_new_privs (PR_GET_NO_NEW_PRIVS). */
    public static boolean noNewPrivs() {
        return prctl("prctl PR_GET_NO_NEW_PRIVS", PR_GET_NO_NEW_PRIVS, 0) == 1;
    }

    /** This thread's seccomp mode (PR_GET_SECCOMP): 0 none, 1 strict, 2 filter. */
    public static int mode() {
        return prctl("prctl PR_GET_SECCOMP", PR_GET_SECCOMP, 0);
    }

    /**
     * seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) with {@code count}
     * instructions of {@code program} ({@code struct sock_filter}s). A thread that could not take the
     * filter makes the call fail with its id, reported here as an exception too.
     */
    public static void installFilter(byte[] program, int count) {
        if (program.length != count * SOCK_FILTER_SIZE || count == 0 || count > 0xffff) {
            throw new IllegalArgumentException("a program of " + count + " instructions in " + program.length + " bytes");
        }
        MemorySegment state = Libc.STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment filter = arena.allocate(program.length, 8);
            filter.copyFrom(MemorySegment.ofArray(program));
            MemorySegment prog = arena.allocate(SOCK_FPROG);
            prog.set(ValueLayout.JAVA_SHORT, 0, (short) count);
            prog.set(ValueLayout.ADDRESS, 8, filter);
            long r = (long) SYSCALL3.invokeExact(state, SYS_SECCOMP, (long) SECCOMP_SET_MODE_FILTER,
                    (long) SECCOMP_FILTER_FLAG_TSYNC, prog);
            if (r < 0) {
                throw new SyscallException("seccomp SECCOMP_SET_MODE_FILTER", Libc.errno(state));
            }
            if (r > 0) {
                throw new IllegalStateException("seccomp TSYNC: thread " + r + " cannot take the filter");
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Whether the kernel knows the filter return value {@code action} (SECCOMP_GET_ACTION_AVAIL). */
    public static boolean actionAvailable(int action) {
        MemorySegment state = Libc.STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, action);
            long r = (long) SYSCALL3.invokeExact(state, SYS_SECCOMP, (long) SECCOMP_GET_ACTION_AVAIL, 0L, value);
            return r == 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
