package dev.kapsel.sandbox;

import dev.kapsel.sys.Libc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: compiles the C programs of {@code src/test/c/sandbox} statically with gcc into
 * {@code target/sandbox-c} (once per source change), builds small root file systems, and runs
 * commands in a {@link Sandbox} with stdout and stderr captured through host files.
 */
final class GuestPrograms {
    static final Path SOURCES = Path.of("src/test/c/sandbox");
    static final Path OUT = Path.of("target/sandbox-c");

    private GuestPrograms() {}

    /** The static executable built from {@code name}.c ({@code pie} adds -static-pie). */
    static synchronized Path compile(String name, boolean pie) throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Path src = SOURCES.resolve(name + ".c");
        Path exe = OUT.resolve(name + (pie ? "-pie" : ""));
        if (Files.exists(exe) && Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(src)) > 0) {
            return exe;
        }
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O1", "-Wall", "-o", exe.toString(), src.toString()));
        cmd.add(pie ? "-static-pie" : "-static");
        if (pie) {
            cmd.add("-fPIE");
        }
        cmd.add("-pthread");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gcc failed for " + src + ":\n" + out);
        }
        return exe;
    }

    /** Runs {@code exe} on the host (the reference a conformance program's sandbox output must equal); its stdout. */
    static String runNatively(Path exe, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(exe + " did not end natively within 60 s");
        }
        return out;
    }

    /** The dynamically linked (glibc) executable built from {@code name}.c. */
    static synchronized Path compileDynamic(String name) throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Path src = SOURCES.resolve(name + ".c");
        Path exe = OUT.resolve(name + "-dyn");
        if (Files.exists(exe) && Files.getLastModifiedTime(exe).compareTo(Files.getLastModifiedTime(src)) > 0) {
            return exe;
        }
        Process p = new ProcessBuilder("gcc", "-O1", "-Wall", "-pthread", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gcc failed for " + src + ":\n" + out);
        }
        return exe;
    }

    /** Copies into {@code root}, at the same paths, the shared libraries and loader that ldd names for {@code binaries}. */
    static void copyLibraries(Path root, Path... binaries) throws IOException, InterruptedException {
        for (Path b : binaries) {
            Process p = new ProcessBuilder("ldd", b.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(/\\S+)").matcher(line.contains("=>") ? line.substring(line.indexOf("=>")) : line);
                if (m.find()) {
                    Path lib = Path.of(m.group(1));
                    Path target = root.resolve(lib.toString().substring(1));
                    if (!Files.exists(target)) {
                        Files.createDirectories(target.getParent());
                        Files.copy(lib, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }

    /** A root file system with the given executables in /bin and a few files in /etc. */
    static Path rootfs(Path dir, Path... programs) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(dir.resolve("etc/hostname"), "kapsel\n");
        for (Path p : programs) {
            Files.copy(p, dir.resolve("bin").resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    record Run(SandboxResult result, String stdout, String stderr, String strace) {
        String describe() {
            return "status " + result.exitStatus() + " (" + result.reason() + ")\n--- stdout\n" + stdout + "--- stderr\n" + stderr
                    + (strace.isEmpty() ? "" : "--- strace\n" + strace);
        }
    }

    static Run run(Path rootfs, boolean strace, String... argv) throws IOException {
        return run(rootfs, strace, SandboxLimits.ofMemoryMiB(256), argv);
    }

    static Run run(Path rootfs, boolean strace, SandboxLimits limits, String... argv) throws IOException {
        return run(rootfs, strace, c -> c.withLimits(limits), argv);
    }

    /** Runs {@code argv} with the configuration {@code adjust}ed (network, limits). */
    static Run run(Path rootfs, boolean strace, java.util.function.UnaryOperator<SandboxConfig> adjust, String... argv)
            throws IOException {
        Path out = Files.createTempFile("sandbox-out", ".txt");
        Path err = Files.createTempFile("sandbox-err", ".txt");
        int outFd = Libc.open(out.toString(), Libc.O_WRONLY | Libc.O_TRUNC, 0);
        int errFd = Libc.open(err.toString(), Libc.O_WRONLY | Libc.O_TRUNC, 0);
        int inFd = Libc.open("/dev/null", Libc.O_RDONLY, 0);
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        try {
            SandboxConfig config = adjust.apply(SandboxConfig.of(rootfs, List.of(argv))).withStdio(inFd, outFd, errFd)
                    .withStrace(strace ? new PrintStream(trace, true, StandardCharsets.UTF_8) : null);
            SandboxResult r = Sandbox.run(config);
            if (r.kernelBug()) {
                // a Java exception in the kernel fails every test, whatever the program printed
                throw new AssertionError(r.reason() + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
            }
            return new Run(r, Files.readString(out), Files.readString(err), trace.toString(StandardCharsets.UTF_8));
        } finally {
            Libc.close(outFd);
            Libc.close(errFd);
            Libc.close(inFd);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
