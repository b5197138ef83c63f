package dev.kapsel.devices.virtio;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test support: the static C helpers of {@code src/test/c/vsock} (busybox has no vsock tool), which
 * the Maven build compiles into {@code target/vsock-c} (src/test/c/vsock/build.sh, in
 * generate-test-resources), so a guest batch finds them even inside the harness, which has no gcc.
 */
final class VsockGuestPrograms {
    static final Path SOURCES = Path.of("src/test/c/vsock");
    static final Path OUT = Path.of("target/vsock-c");

    private VsockGuestPrograms() {}

    /** The executable for {@code name}.c, as the build left it; an error says how to build it if it is missing or stale. */
    static Path executable(String name) throws java.io.IOException {
        Path src = SOURCES.resolve(name + ".c");
        Path exe = OUT.resolve(name);
        if (!Files.exists(exe) || Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(src)) < 0) {
            throw new IllegalStateException(exe + " is missing or older than " + src
                    + ": build with Maven first (mvn test-compile, or bin/setup)");
        }
        return exe;
    }
}
