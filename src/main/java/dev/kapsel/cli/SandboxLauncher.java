package dev.kapsel.cli;

import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.sandbox.Sandbox;
import dev.kapsel.sandbox.SandboxConfig;
import dev.kapsel.sandbox.SandboxResult;
import java.util.Map;

/** Runs one sandboxed program for a command and turns the result into an exit status and stderr lines. */
final class SandboxLauncher {
    static final int RUNTIME_FAILURE = dev.kapsel.container.ExitCodes.RUNTIME_FAILURE;

    private SandboxLauncher() {}

    static int run(SandboxConfig config, boolean stats) {
        SandboxResult result;
        try {
            result = Sandbox.run(config);
        } catch (KvmUnavailableException | IllegalArgumentException e) {
            throw new CommandFailure(RUNTIME_FAILURE, e.getMessage(), e);
        }
        if (result.needsReason()) {
            System.err.println("kapsel: " + result.reason());
        }
        if (stats) {
            System.err.printf("kapsel: %d system calls, %d exits, %d page faults, unimplemented %s%n",
                    result.syscalls(), result.exits(), result.pageFaults(), describe(result.unimplemented()));
        }
        return result.exitStatus();
    }

    private static String describe(Map<Long, Long> calls) {
        return calls.isEmpty() ? "none" : calls.toString();
    }
}
