package dev.kapsel.devices.virtio;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test support: the static C helpers of {@code src/test/c/vsock} (busybox has no vsock tool), which
 * the Maven build compiles into {@code target/vsock-c} (src/test/c/vsock/build.sh, in
 * generate-test-resources), so a guest batch finds them even inside the harness, which has no gcc.
 */
public final class VsockGuestPrograms {
    static final Path SOURCES = Path.of("src/test/c/vsock");
    static final Path OUT = Path.of("target/vsock-c");

    private VsockGuestPrograms() {}

    /** The executable for {@code name}.c, as the build left it; an error says how to build it if it is missing or stale. */
    public static Path executable(String name) throws java.io.IOException {
        Path src = SOURCES.resolve(name + ".c");
        Path exe = OUT.resolve(name);
        if (!Files.exists(exe) || Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(src)) < 0) {
            throw new IllegalStateException(exe + " is missing or older than " + src
                    + ": build with Maven first (mvn test-compile, or bin/setup)");
        }
        return exe;
    }

    /** One line of the vsock socket's handshake answer ({@code OK <port>}), or null if the VMM closed it first. */
    public static String readLine(java.nio.channels.SocketChannel c) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
        while (line.length() < 64) {
            one.clear();
            if (c.read(one) < 0) {
                return null;
            }
            char ch = (char) one.get(0);
            if (ch == '\n') {
                return line.toString();
            }
            line.append(ch);
        }
        return line.toString();
    }
}
