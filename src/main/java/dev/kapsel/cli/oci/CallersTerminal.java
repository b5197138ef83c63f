package dev.kapsel.cli.oci;

import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Terminal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The terminal this process was started on, lent to a {@code terminal: true} container in the
 * foreground when no {@code --console-socket} names another (runc lends its own through a pty pair;
 * kapsel's container runs on the caller's terminal itself, and this process passes signals on).
 */
final class CallersTerminal {
    private static final int STDIN = 0;

    private CallersTerminal() {}

    /** The device of stdin ({@code /dev/pts/3}) when stdin is a terminal. */
    static Optional<String> path() {
        if (!Terminal.isTerminal(STDIN)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/" + STDIN)).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * The terminal opened read-write for a process's three stdio (stdin itself may be read-only, as
     * when a shell redirects {@code < /dev/pts/N}); -1 when stdin is not a terminal. The caller closes it.
     */
    static int open() {
        return path().map(p -> Libc.open(p, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0)).orElse(-1);
    }
}
