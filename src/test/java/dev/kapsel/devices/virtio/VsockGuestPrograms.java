package dev.kapsel.devices.virtio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: the static C helpers of {@code src/test/c/vsock} (busybox has no vsock tool), built
 * with gcc into {@code target/vsock-c}. The nested harness has no gcc, so the guest test uses what a
 * host-side run ({@link VsockGuestProgramsTest}, in the unit phase) built there.
 */
final class VsockGuestPrograms {
    static final Path SOURCES = Path.of("src/test/c/vsock");
    static final Path OUT = Path.of("target/vsock-c");

    private VsockGuestPrograms() {}

    static boolean haveGcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "gcc"))) {
                return true;
            }
        }
        return false;
    }

    /** The executable for {@code name}.c: built now where gcc exists, otherwise the one built before. */
    static synchronized Path executable(String name) throws IOException, InterruptedException {
        Path src = SOURCES.resolve(name + ".c");
        Path exe = OUT.resolve(name);
        boolean fresh = Files.exists(exe) && Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(src)) > 0;
        if (fresh) {
            return exe;
        }
        if (!haveGcc()) {
            throw new IllegalStateException(exe + " is missing or older than " + src
                    + " and there is no gcc here (inside the harness): run the unit tests on the host first"
                    + " (mvn test -Dtest=VsockGuestProgramsTest)");
        }
        Files.createDirectories(OUT);
        Process p = new ProcessBuilder(List.of("gcc", "-O1", "-Wall", "-static", "-o", exe.toString(), src.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gcc failed for " + src + ":\n" + out);
        }
        return exe;
    }
}
