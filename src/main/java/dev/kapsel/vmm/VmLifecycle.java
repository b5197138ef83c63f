package dev.kapsel.vmm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides how a VM ended. vCPU threads and devices (power, reset) report here;
 * the first report wins, later ones are ignored, and whoever waits gets it.
 */
public final class VmLifecycle {
    private final CompletableFuture<VmExit> exit = new CompletableFuture<>();

    public void exit(VmExit reason) {
        exit.complete(reason);
    }

    public void exit(VmExitStatus status) {
        exit(VmExit.of(status));
    }

    /** Runs {@code action} once the VM has ended (at once if it has), on the thread that ended it. */
    public void onEnd(Runnable action) {
        exit.thenRun(action);
    }

    public boolean isDone() {
        return exit.isDone();
    }

    public VmExit await() throws InterruptedException {
        try {
            return exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits at most {@code millis}; null if the VM is still running. */
    public VmExit await(long millis) throws InterruptedException {
        try {
            return exit.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
