package dev.kapsel.sandbox;

import dev.kapsel.sandbox.net.NetworkMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run in a sandbox: the unpacked root file system (read-only lower layer), the command
 * and its environment, the working directory, the host file descriptors that become the program's
 * stdin/stdout/stderr, the limits, where --strace output goes (null for none), and whether the
 * programs may use the host's network ({@link NetworkMode}, none by default), and the host name
 * uname reports ({@link #DEFAULT_HOSTNAME} when null or empty; the container's {@code hostname}), and
 * host files copied into the writable layer at start, by absolute sandbox path (the engine's
 * /etc/hosts, /etc/hostname, /etc/resolv.conf and every other file bind mount of the bundle), the
 * {@link Bind}s (host directories and files mounted at sandbox paths, in order), and whether the root
 * is written through ({@code writeThrough}: the program's writes land in {@code rootfs} itself, as
 * for an engine's bundle) or kept read-only under an in-memory writable layer.
 */
public record SandboxConfig(Path rootfs, List<String> argv, List<String> env, String workdir, int stdin, int stdout,
                            int stderr, SandboxLimits limits, PrintStream strace, NetworkMode network, String hostname,
                            Map<String, Path> files, List<Bind> binds, boolean writeThrough) {
    /** A host directory or file mounted at the absolute sandbox path {@code target}; read-only refuses every change. */
    public record Bind(Path source, String target, boolean readOnly) {
        public Bind {
            Objects.requireNonNull(source, "source");
            if (target == null || !target.startsWith("/")) {
                throw new IllegalArgumentException("bind target " + target + " is not an absolute path");
            }
        }
    }

    public static final String DEFAULT_HOSTNAME = "kapsel";

    public static final List<String> DEFAULT_ENV = List.of(
            dev.kapsel.host.DefaultPath.ENV, "HOME=/root", "TERM=xterm");

    public SandboxConfig {
        Objects.requireNonNull(rootfs, "rootfs");
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        if (workdir == null || workdir.isEmpty()) {
            workdir = "/";
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(network, "network");
        if (hostname == null || hostname.isEmpty()) {
            hostname = DEFAULT_HOSTNAME;
        }
        files = files == null ? Map.of() : Map.copyOf(files);
        binds = binds == null ? List.of() : List.copyOf(binds);
        for (String destination : files.keySet()) {
            if (!destination.startsWith("/") || destination.equals("/")) {
                throw new IllegalArgumentException("files: destination " + destination + " is not an absolute file path");
            }
        }
    }

    /** Without host network access. */
    public SandboxConfig(Path rootfs, List<String> argv, List<String> env, String workdir, int stdin, int stdout, int stderr,
                         SandboxLimits limits, PrintStream strace) {
        this(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, strace, NetworkMode.NONE, null, Map.of(), List.of(), false);
    }

    public SandboxConfig withNetwork(NetworkMode n) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, strace, n, hostname, files, binds, writeThrough);
    }

    public SandboxConfig withFiles(Map<String, Path> copies) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, strace, network, hostname, copies, binds, writeThrough);
    }

    public SandboxConfig withHostname(String name) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, strace, network, name, files, binds, writeThrough);
    }

    public SandboxConfig withBinds(List<Bind> b) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, strace, network, hostname, files, b, writeThrough);
    }

    /** The program's writes land in the root directory itself rather than in memory. */
    public SandboxConfig withWriteThrough(boolean w) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, strace, network, hostname, files, binds, w);
    }

    /** The host process's own stdio, default limits, no strace. */
    public static SandboxConfig of(Path rootfs, List<String> argv) {
        return new SandboxConfig(rootfs, argv, DEFAULT_ENV, "/", 0, 1, 2, SandboxLimits.ofMemoryMiB(256), null);
    }

    public SandboxConfig withStdio(int in, int out, int err) {
        return new SandboxConfig(rootfs, argv, env, workdir, in, out, err, limits, strace, network, hostname, files, binds, writeThrough);
    }

    public SandboxConfig withStrace(PrintStream s) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, limits, s, network, hostname, files, binds, writeThrough);
    }

    public SandboxConfig withLimits(SandboxLimits l) {
        return new SandboxConfig(rootfs, argv, env, workdir, stdin, stdout, stderr, l, strace, network, hostname, files, binds, writeThrough);
    }
}
