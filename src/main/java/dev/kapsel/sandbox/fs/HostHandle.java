package dev.kapsel.sandbox.fs;

import dev.kapsel.sys.FileCalls;
import java.lang.ref.Cleaner;

/**
 * A host file descriptor a sandbox node owns (an {@code O_PATH} handle on a shared directory, or a
 * file opened for reading and writing). It is closed by {@link #close()} or, for one still referred
 * to from a mapping or a kept location when the program is done with it, when the node is collected.
 */
final class HostHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private final int fd;
    private final Cleaner.Cleanable cleanable;

    HostHandle(int fd) {
        this.fd = fd;
        this.cleanable = CLEANER.register(this, () -> FileCalls.close(fd));
    }

    int fd() {
        return fd;
    }

    @Override
    public void close() {
        cleanable.clean(); // once: later calls do nothing
    }
}
