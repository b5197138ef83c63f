package dev.kapsel.sandbox;

import java.util.Map;

/**
 * How a sandboxed program ended: the exit status a shell would see (the program's code, or
 * 128+N when signal N killed it), the signal (0 if it exited), a one-line reason, and counters
 * ({@code tlbShootdowns}: how often a vCPU reloaded CR3 because another one freed or restricted
 * memory of the address space it was running; {@code kernelBug}: a Java exception in the kernel
 * ended the sandbox, with status {@link KernelBug#EXIT_STATUS}).
 */
public record SandboxResult(int exitStatus, int signal, String reason, long syscalls, Map<Long, Long> unimplemented,
                            long exits, long pageFaults, long tlbShootdowns, boolean kernelBug) {
    /** Whether the status alone does not say what happened (a signal or a kernel bug ended the program, or it never ran), so the reason should be shown. */
    public boolean needsReason() {
        return signal != 0 || kernelBug || exitStatus == 127 && syscalls == 0;
    }
}
