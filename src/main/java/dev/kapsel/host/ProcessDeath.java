package dev.kapsel.host;

import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Signal;
import dev.kapsel.sys.SyscallException;
import java.time.Duration;

/**
 * Signalling a process known by its identity and waiting for it to be gone: the one stop-then-wait
 * of {@code kapsel stop/rm} and the OCI {@code kill/delete}.
 *
 * <p>Timeout policy: after SIGKILL a monitor is given {@link #KILL_WAIT} (30 s) to disappear, the
 * time the kernel may take to free a large VM's memory; a monitor alive after that is an error, never
 * ignored (its state is not removed under it). A graceful stop's wait (SIGTERM) is the caller's grace
 * period ({@code stop -t}).
 */
public final class ProcessDeath {
    public static final Duration KILL_WAIT = Duration.ofSeconds(30);
    public static final int SIGKILL = Signal.SIGKILL;
    public static final int SIGTERM = Signal.SIGTERM;
    private static final Duration POLL = Duration.ofMillis(20);

    private ProcessDeath() {}

    /** Sends {@code signal} if the process still lives; false if it was already gone (ESRCH included). */
    public static boolean signal(ProcessIdentity process, int signal) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            Libc.kill(Math.toIntExact(process.pid()), signal);
            return true;
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
    }

    /** Waits until the process is gone; false if it still lives after {@code timeout}. */
    public static boolean await(ProcessIdentity process, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL);
        }
        return true;
    }

    /** SIGKILL, then waits up to {@link #KILL_WAIT}; throws if the process survives it. */
    public static void kill(ProcessIdentity process, String what) throws InterruptedException {
        signal(process, SIGKILL);
        if (!await(process, KILL_WAIT)) {
            throw new IllegalStateException(what + " (pid " + process.pid() + ") survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
        }
    }
}
