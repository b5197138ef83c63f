package dev.kapsel.bus;

/**
 * The run switch of one VM's threads that touch guest state: vCPU threads and device I/O threads
 * pass the gate ({@link #pass}) between rounds of work, never in the middle of one, so when
 * {@link #pause} returns no thread is reading or writing guest memory or a queue. The monitor
 * counts a thread in ({@link #enter}) before it starts it, so a pause right after a start still
 * waits for it; the thread counts itself out ({@link #leave}) when it ends, so one that died does
 * not hold a pause forever.
 */
public final class RunGate {
    private enum Position { OPEN, PAUSED, STOPPED }

    /** Written under the lock; read without it on the fast path of {@link #pass}. */
    private volatile Position position = Position.OPEN;
    private int threads;
    private int parked;

    /** A gate that is open and never paused, for a device run outside a VM. */
    public static RunGate open() {
        return new RunGate();
    }

    /** Starts a daemon platform thread counted in at once and out when {@code body} returns. */
    public Thread start(String name, Runnable body) {
        enter();
        try {
            return Thread.ofPlatform().daemon().name(name).start(() -> {
                try {
                    body.run();
                } finally {
                    leave();
                }
            });
        } catch (RuntimeException | Error e) {
            leave();
            throw e;
        }
    }

    /** Counts in one thread about to start; it must call {@link #leave} when it ends. */
    public synchronized void enter() {
        threads++;
    }

    public synchronized void leave() {
        threads--;
        notifyAll();
    }

    /**
     * Called by a gated thread between rounds: returns true at once while the gate is open, waits
     * while it is paused, and returns false once it is stopped (the thread then ends).
     */
    public boolean pass() {
        return position == Position.OPEN || passSlowly();
    }

    private synchronized boolean passSlowly() {
        boolean interrupted = false;
        while (position == Position.PAUSED) {
            parked++;
            notifyAll();
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                parked--;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return position == Position.OPEN;
    }

    public synchronized boolean isStopped() {
        return position == Position.STOPPED;
    }

    /**
     * Closes the gate and returns once every counted thread waits at it (or has ended). {@code wake}
     * gets each thread out of whatever it blocks in (KVM_RUN, poll, select) so it reaches the gate.
     */
    public void pause(Runnable wake) throws InterruptedException {
        synchronized (this) {
            if (position != Position.OPEN) {
                return;
            }
            position = Position.PAUSED;
        }
        wake.run();
        synchronized (this) {
            while (position == Position.PAUSED && parked < threads) {
                wait();
            }
        }
    }

    /** Opens a paused gate: every parked thread goes on. */
    public synchronized void resume() {
        if (position == Position.PAUSED) {
            position = Position.OPEN;
            notifyAll();
        }
    }

    /** Stops for good: parked threads and every later {@link #pass} return false. Callers then wake and join the threads. */
    public synchronized void stop() {
        position = Position.STOPPED;
        notifyAll();
    }
}
