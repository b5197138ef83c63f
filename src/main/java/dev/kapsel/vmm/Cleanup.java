package dev.kapsel.vmm;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a VM holds, in the order it was made, released in reverse: by {@link VmBuilder} when a step
 * fails (nothing is left behind), and by {@link MicroVm#stop} when the VM ends. Every step runs even
 * if an earlier one failed; the first failure is thrown at the end with the others suppressed.
 */
final class Cleanup implements AutoCloseable {
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    /** Registers {@code resource}'s close and returns the resource. */
    <T extends AutoCloseable> T add(T resource) {
        steps.push(resource::close);
        return resource;
    }

    /** Registers a release step that is not a single resource (stopping a thread, say). */
    void then(Step step) {
        steps.push(step);
    }

    /** Moves every step into a new Cleanup (the running VM's), leaving this one empty. */
    Cleanup handOver() {
        Cleanup to = new Cleanup();
        to.steps.addAll(steps);
        steps.clear();
        return to;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException("VM teardown: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Joins {@code thread}, waiting through interrupts (the resources it uses are released next). */
    static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
