package dev.kapsel.sandbox;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Java kernel's one lock, as the big kernel lock of early Linux: a task holds it while it
 * serves a trap and releases it while its program runs on the vCPU and while it sleeps. Sleeping is
 * {@link #await}: every change another task might wait for is followed by {@link #wakeAll()}, and
 * each sleeper re-checks its own condition. A sleep ends early with {@link #ERESTARTSYS} when the
 * sleeping task has a signal to take (the interrupt check the task registers for its thread).
 */
public final class KernelLock {
    /** Linux's internal "interrupted by a signal, restart if the handler allows" code. */
    public static final int ERESTARTSYS = 512;
    private static final ThreadLocal<BooleanSupplier> INTERRUPTED = new ThreadLocal<>();
    private static final long HOST_WAIT_NANOS = 10_000_000L;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    public void lock() {
        lock.lock();
    }

    public void unlock() {
        lock.unlock();
    }

    public boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Registers how this thread's task tells that it has a signal to take (null: never). */
    public static void setInterruptCheck(BooleanSupplier check) {
        if (check == null) {
            INTERRUPTED.remove();
        } else {
            INTERRUPTED.set(check);
        }
    }

    private static boolean interrupted() {
        BooleanSupplier s = INTERRUPTED.get();
        return s != null && s.getAsBoolean();
    }

    /** Wakes every sleeper to re-check its condition. The caller holds the lock. */
    public void wakeAll() {
        changed.signalAll();
    }

    /**
     * Sleeps, lock released, until {@code ready} holds (true), the monotonic {@code deadline} in
     * {@link System#nanoTime()} terms passes (false; {@code Long.MAX_VALUE} for none), or a signal
     * arrives ({@link ErrnoException} with {@link #ERESTARTSYS}). The caller holds the lock.
     */
    public boolean await(BooleanSupplier ready, long deadline) {
        return await(ready, deadline, Long.MAX_VALUE);
    }

    /** As {@link #await(BooleanSupplier, long)}, re-checking at least every {@code pollNanos} (for host files). */
    public boolean await(BooleanSupplier ready, long deadline, long pollNanos) {
        return awaitLoop(ready, deadline, pollNanos, wait -> {
            try {
                if (wait == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ErrnoException(ERESTARTSYS);
            }
        });
    }

    /**
     * As {@link #await(BooleanSupplier, long)} for a condition a host object decides (a host
     * socket): between checks, {@code hostWait} runs with the lock released and may block for at
     * most the nanoseconds it is given (a host select that returns as soon as the socket is ready).
     * Signals and sandbox-side changes are noticed within {@code 10 ms}.
     */
    public boolean awaitHost(BooleanSupplier ready, long deadline, java.util.function.LongConsumer hostWait) {
        return awaitLoop(ready, deadline, HOST_WAIT_NANOS, wait -> unlocked(() -> {
            hostWait.accept(wait);
            return null;
        }));
    }

    /**
     * The loop both waits share: true once {@code ready} holds, false once the deadline passed,
     * ERESTARTSYS on a signal; otherwise {@code sleep} for at most {@code maxNanos} (never past the
     * deadline; {@code Long.MAX_VALUE} when neither bounds it), then check again.
     */
    private boolean awaitLoop(BooleanSupplier ready, long deadline, long maxNanos, java.util.function.LongConsumer sleep) {
        while (true) {
            if (ready.getAsBoolean()) {
                return true;
            }
            if (interrupted()) {
                throw new ErrnoException(ERESTARTSYS);
            }
            long now = System.nanoTime();
            if (deadline != Long.MAX_VALUE && now - deadline >= 0) {
                return false;
            }
            sleep.accept(Math.min(maxNanos, deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - now));
        }
    }

    /**
     * Sleeps, lock released, until {@code ready} holds, whatever signals arrive: for waits the
     * kernel's own consistency needs (a TLB shootdown), which no signal may cut short. Re-checks
     * every 10 ms as well, so a waker that forgot {@link #wakeAll()} costs time, not a hang.
     * False only when the thread is interrupted (the sandbox is being torn down).
     */
    public boolean awaitUninterruptibly(BooleanSupplier ready) {
        while (!ready.getAsBoolean()) {
            try {
                changed.awaitNanos(HOST_WAIT_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Runs a host call that may block with the lock released, then takes it back. */
    public <T> T unlocked(Supplier<T> call) {
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            return call.get();
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
    }

    /** Sleeps with the lock released for at most {@code nanos}; used by no one that can wait on a condition. */
    public void sleepNanos(long nanos) {
        try {
            changed.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
