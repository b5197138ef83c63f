package dev.kapsel.sandbox;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process's ITIMER_REAL (setitimer(2), alarm(2)): counts down in real time and sends the
 * process SIGALRM when it expires, then re-arms with its interval if it has one. Expiry runs on
 * the kernel's timer thread, which takes the kernel lock to send the signal (a task in user mode
 * is kicked out of KVM_RUN by the signal, as for kill). Not inherited by fork; kept across execve.
 * All state is guarded by the kernel lock.
 */
final class RealTimer {
    private final Kernel kernel;
    private final SandboxProcess process;
    private final ScheduledExecutorService clock;
    /** System.nanoTime() of the next expiry, meaningful while {@link #armed}. */
    private long deadline;
    private long interval;
    private boolean armed;
    /** Bumped on every set, so an expiry scheduled for an older setting does nothing. */
    private long generation;
    private ScheduledFuture<?> pending;

    RealTimer(Kernel kernel, SandboxProcess process, ScheduledExecutorService clock) {
        this.kernel = kernel;
        this.process = process;
        this.clock = clock;
    }

    /** The time left and the interval, in nanoseconds ({0, interval} when disarmed). */
    long[] get() {
        long left = armed ? Math.max(1, deadline - System.nanoTime()) : 0;
        return new long[] {left, interval};
    }

    /** Arms the timer for {@code valueNanos} (0 disarms) repeating every {@code intervalNanos}; returns the old {@link #get()}. */
    long[] set(long valueNanos, long intervalNanos) {
        long[] old = get();
        cancel();
        interval = intervalNanos;
        if (valueNanos > 0) {
            armed = true;
            deadline = System.nanoTime() + valueNanos;
            schedule();
        } else {
            interval = 0;
        }
        return old;
    }

    /** Disarms (the process ended). */
    void cancel() {
        generation++;
        armed = false;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void schedule() {
        long expected = generation;
        pending = clock.schedule(() -> expire(expected), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void expire(long expected) {
        KernelLock lock = kernel.lock();
        lock.lock();
        try {
            if (expected != generation || !armed || process.zombie()) {
                return;
            }
            kernel.signalProcess(process, new SignalInfo(Signals.SIGALRM, SignalInfo.SI_KERNEL, 0, 0, 0));
            if (interval > 0) {
                deadline += interval;
                schedule();
            } else {
                armed = false;
                pending = null;
            }
            lock.wakeAll();
        } finally {
            lock.unlock();
        }
    }
}
