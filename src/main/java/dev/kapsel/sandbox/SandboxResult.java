package dev.kapsel.sandbox;

import java.util.Map;

/**
 * How a sandboxed program ended: the exit status a shell would see (the program's code, or
 * 128+N when signal N killed it), the signal (0 if it exited), a one-line reason, and counters.
 */
public record SandboxResult(int exitStatus, int signal, String reason, long syscalls, Map<Long, Long> unimplemented,
                            long exits, long pageFaults) {
    /** Whether the status alone does not say what happened (a signal ended the program, or it never ran), so the reason should be shown. */
    public boolean needsReason() {
        return signal != 0 || exitStatus == 127 && syscalls == 0;
    }
}
