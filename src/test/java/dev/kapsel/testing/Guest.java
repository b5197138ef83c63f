package dev.kapsel.testing;

import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.initramfs.BusyboxInitramfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fixtures for tests that boot Linux (JUnit tag "guest"): the cached Debian kernel, busybox
 * initramfs images with a given /init script, and {@code bin/kapsel} run as a separate process.
 */
public final class Guest {
    private Guest() {}

    public static final Path REPO = Path.of(System.getProperty("user.dir"));
    /** Longest a single guest boot may take inside the nested harness before the test fails. */
    public static final long BOOT_TIMEOUT_SECONDS = 240;

    public static GuestKernels kernels() {
        return new GuestKernels(StateDirectory.resolve());
    }

    public static Path vmlinux() {
        return kernels().defaultVmlinux().orElseThrow(() -> new IllegalStateException(
                "no vmlinux in the kernel cache " + kernels().defaultDirectory() + ": run bin/setup"));
    }

    public static Path bzImage() {
        return kernels().defaultBzImage().orElseThrow(() -> new IllegalStateException(
                "no bzImage in the kernel cache " + kernels().defaultDirectory() + ": run bin/setup"));
    }

    /** A busybox initramfs whose /init is {@code script} (run by busybox sh), written into {@code dir}. */
    public static Path busyboxInitramfs(Path dir, String script) throws IOException {
        Path out = dir.resolve("initramfs.cpio.gz");
        BusyboxInitramfs.withInit(script).writeTo(out);
        return out;
    }

    /** Output and status of a finished process. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs {@code bin/kapsel ARGS} and waits for it, killing it after {@link #BOOT_TIMEOUT_SECONDS}. */
    public static Result kapsel(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(REPO.resolve("bin/kapsel").toString());
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    public static Result run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, java.util.Map.of());
    }

    /** Runs {@code cmd} with extra environment variables, stdin empty. */
    public static Result run(List<String> cmd, java.util.Map<String, String> env) throws IOException, InterruptedException {
        return run(cmd, env, null);
    }

    /** Runs {@code cmd} with extra environment variables and {@code stdin} as its input (empty when null). */
    public static Result run(List<String> cmd, java.util.Map<String, String> env, byte[] stdin)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            }
        }
        // Own threads, not the common pool: with one worker (a 2-CPU machine) a full stderr pipe would deadlock.
        CompletableFuture<String> out = new CompletableFuture<>();
        CompletableFuture<String> err = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> out.complete(slurp(p.getInputStream())));
        Thread.ofPlatform().daemon().start(() -> err.complete(slurp(p.getErrorStream())));
        if (!p.waitFor(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            // the command's children (a monitor, a VMM) may hold its output pipes open: end them all,
            // and never wait without bound for the pipes to close (a CI batch once hung here for 36 min)
            List<ProcessHandle> children = p.descendants().toList();
            p.destroyForcibly().waitFor();
            children.forEach(ProcessHandle::destroyForcibly);
            throw new AssertionError("timed out after " + BOOT_TIMEOUT_SECONDS + " s: " + cmd + "\n" + drained(out) + drained(err));
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String drained(CompletableFuture<String> output) {
        try {
            return output.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return "<output still open 10 s after the command was killed>";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "<interrupted>";
        }
    }

    private static String slurp(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    private static final List<Path> TEMP_DIRS = new ArrayList<>();

    static {
        // on a hardware-KVM host nothing discards them as the harness's L1 does
        Runtime.getRuntime().addShutdownHook(new Thread(Guest::removeTempDirs, "guest-temp-cleanup"));
    }

    /** A fresh directory, removed with everything in it when the test JVM exits. */
    public static Path tempDir() throws IOException {
        Path dir = Files.createTempDirectory("kapsel-guest-");
        synchronized (TEMP_DIRS) {
            TEMP_DIRS.add(dir);
        }
        return dir;
    }

    private static void removeTempDirs() {
        synchronized (TEMP_DIRS) {
            for (Path dir : TEMP_DIRS) {
                try (var tree = Files.walk(dir)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException | UncheckedIOException leftBehind) {
                    // a file still held open elsewhere: left for the system's tmp clean-up
                }
            }
        }
    }
}
