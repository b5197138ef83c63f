package dev.kapsel.sandbox;

import dev.kapsel.sandbox.machine.Cpu;

/**
 * A Java platform thread that owns one vCPU for the sandbox's lifetime and runs one task on it at
 * a time, from the task's first instruction to its end; between tasks it waits in the kernel's
 * idle pool. A vCPU stays on one host thread because KVM makes a vCPU that moves between threads
 * wait for an RCU grace period on its next KVM_RUN.
 */
final class VcpuThread {
    private final Kernel kernel;
    private final Cpu cpu;
    private final Thread thread;
    private Task next;

    VcpuThread(Kernel kernel, Cpu cpu) {
        this.kernel = kernel;
        this.cpu = cpu;
        this.thread = Thread.ofPlatform().daemon().name("sandbox-vcpu-" + cpu.id()).unstarted(this::loop);
    }

    /** Hands {@code task} to this idle thread. */
    synchronized void assign(Task task) {
        next = task;
        if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            thread.start();
        }
        notifyAll();
    }

    private void loop() {
        cpu.bindToCurrentThread();
        try {
            serve();
        } finally {
            cpu.unbindFromCurrentThread();
        }
    }

    private void serve() {
        while (true) {
            Task task;
            synchronized (this) {
                while (next == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                task = next;
                next = null;
            }
            try {
                task.run(cpu);
            } catch (RuntimeException e) {
                return; // the sandbox ended under an abandoned task and its machine is gone
            }
            if (!kernel.idle(this)) {
                return;
            }
        }
    }

    Cpu cpu() {
        return cpu;
    }

    void stop() {
        thread.interrupt();
    }
}
