package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Thread-directed signals used as a wake-up, with no signal handler: a thread blocks a signal
 * ({@link #block}), another thread sends it to that thread alone ({@link #send}, pthread_kill), a
 * blocking call the first thread makes with the signal unblocked for its duration (KVM_RUN with
 * KVM_SET_SIGNAL_MASK) returns EINTR, and the first thread then takes the signal off its pending set
 * ({@link #takePending}, sigtimedwait with a zero timeout) so it does not disturb the next call.
 * Because the signal is blocked whenever the thread runs Java code, neither the JVM nor the
 * signal's default action (terminate, for a real-time signal) ever sees it.
 *
 * <p>glibc's {@code sigset_t} is 1024 bits; the kernel's, which KVM takes, is its first 64, so masks
 * are passed around as a {@code long} with signal N at bit N-1.
 */
public final class ThreadSignals {
    private ThreadSignals() {}

    /** sizeof(sigset_t) in glibc. */
    static final int SIGSET_SIZE = 128;
    /** sizeof(struct timespec). */
    static final int TIMESPEC_SIZE = 16;
    static final int SIG_BLOCK = 0;
    static final int SIG_UNBLOCK = 1;
    /** glibc's SIGRTMIN: 32 and 33 are reserved for its own thread library. */
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;

    private static final MethodHandle PTHREAD_SELF = Libc.handle("pthread_self", FunctionDescriptor.of(ValueLayout.JAVA_LONG));
    private static final MethodHandle PTHREAD_KILL = Libc.handle("pthread_kill",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle PTHREAD_SIGMASK = Libc.handle("pthread_sigmask",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SIGTIMEDWAIT = Libc.handle("sigtimedwait",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    /** The bit of {@code signal} in a kernel signal mask. */
    public static long bit(int signal) {
        if (signal < 1 || signal > SIGRTMAX) {
            throw new IllegalArgumentException("no signal " + signal);
        }
        return 1L << (signal - 1);
    }

    /** pthread_self(): the calling thread's handle for {@link #send}. */
    public static long self() {
        try {
            return (long) PTHREAD_SELF.invokeExact(Libc.STATE.get());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * pthread_kill(): sends {@code signal} to the one thread {@code thread}. The caller must know the
     * thread is still alive: a handle of a thread that has ended may name another one.
     */
    public static void send(long thread, int signal) {
        int error;
        try {
            error = (int) PTHREAD_KILL.invokeExact(Libc.STATE.get(), thread, signal);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (error != 0) {
            throw new SyscallException("pthread_kill", error);
        }
    }

    /** Adds {@code signal} to the calling thread's blocked set. */
    public static void block(int signal) {
        sigmask(SIG_BLOCK, signal);
    }

    /** Removes {@code signal} from the calling thread's blocked set. */
    public static void unblock(int signal) {
        sigmask(SIG_UNBLOCK, signal);
    }

    private static void sigmask(int how, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = setOf(signal, arena);
            int error = (int) PTHREAD_SIGMASK.invokeExact(Libc.STATE.get(), how, set, MemorySegment.NULL);
            if (error != 0) {
                throw new SyscallException("pthread_sigmask", error);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The calling thread's blocked set (its first 64 signals: the kernel's mask). */
    public static long blocked() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(SIGSET_SIZE, 8);
            int error = (int) PTHREAD_SIGMASK.invokeExact(Libc.STATE.get(), SIG_BLOCK, MemorySegment.NULL, old);
            if (error != 0) {
                throw new SyscallException("pthread_sigmask", error);
            }
            return old.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Takes {@code signal} off the calling thread's pending set if it is there (it must be blocked);
     * returns whether it was pending. Never waits.
     */
    public static boolean takePending(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = setOf(signal, arena);
            MemorySegment zero = arena.allocate(TIMESPEC_SIZE, 8);
            MemorySegment state = Libc.STATE.get();
            while (true) {
                int r = (int) SIGTIMEDWAIT.invokeExact(state, set, MemorySegment.NULL, zero);
                if (r == signal) {
                    return true;
                }
                int errno = Libc.errno(state);
                if (errno == Errno.EAGAIN) {
                    return false;
                }
                if (errno != Errno.EINTR) {
                    throw new SyscallException("sigtimedwait", errno);
                }
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static MemorySegment setOf(int signal, Arena arena) {
        MemorySegment set = arena.allocate(SIGSET_SIZE, 8); // zeroed: sigemptyset
        set.set(ValueLayout.JAVA_LONG, 0, bit(signal));
        return set;
    }
}
