package dev.kapsel.oci.backend;

import dev.kapsel.oci.UnsupportedConfigException;
import dev.kapsel.oci.spec.Linux;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import dev.kapsel.sandbox.Sandbox;
import dev.kapsel.sandbox.SandboxConfig;
import dev.kapsel.sandbox.SandboxLimits;
import dev.kapsel.sandbox.SandboxResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs a container's process in kapsel's KVM user-mode sandbox ({@link Sandbox}): the root file
 * system as the read-only lower layer with a writable layer in memory, {@code /proc} and {@code /dev}
 * served by the sandbox, memory bounded by {@code linux.resources.memory.limit} (256 MiB when unset).
 * Every process, the container's first and each {@code exec}, gets its own sandbox over the same
 * root: writes of one are not seen by another.
 */
public final class SandboxBackend implements ContainerBackend {
    public static final String NAME = "sandbox";
    static final long MIN_MEMORY = 8L << 20;
    static final long MAX_MEMORY = 2L << 30;
    /** Mount types whose effect the sandbox provides: its own /proc and /dev, tmpfs as the in-memory writable layer. */
    private static final Set<String> PROVIDED = Set.of("proc", "tmpfs", "devtmpfs");
    private static final UnhonouredLinuxFeatures UNHONOURED = new UnhonouredLinuxFeatures(
            "the sandbox's /dev has null, zero, random, urandom, tty only",
            "the sandbox's system-call table is the whole surface; the profile is not applied",
            "a sandbox shares nothing with host processes");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(ContainerLaunch launch) {
        RootfsChecks.requireDirectory(launch.rootfs());
        Long limit = memoryLimit(launch.config());
        if (limit != null && limit < MIN_MEMORY) {
            throw new UnsupportedConfigException("memory limit " + limit + " bytes is below the sandbox's minimum of 8 MiB");
        }
        RootfsChecks.requireExecutable(launch.rootfs(), launch.process());
    }

    @Override
    public List<String> limitations(OciConfig config) {
        List<String> out = new ArrayList<>();
        OciProcess p = config.process();
        if (p.user().uid() != 0 || p.user().gid() != 0 || !p.user().additionalGids().isEmpty()) {
            out.add("user " + p.user().uid() + ":" + p.user().gid() + " (the sandbox runs every program as uid 0)");
        }
        if (!p.rlimits().isEmpty()) {
            out.add("rlimits " + String.join(",", p.rlimits().stream().map(OciProcess.Rlimit::type).toList())
                    + " (the sandbox's memory and writable-layer limits bound the program instead)");
        }
        if (config.hostname() != null && !config.hostname().isEmpty()) {
            out.add("hostname " + config.hostname() + " (uname reports the sandbox's own)");
        }
        if (config.root().readonly()) {
            out.add("read-only root (writes go to the sandbox's in-memory layer and are discarded at exit)");
        }
        List<String> binds = new ArrayList<>();
        List<String> otherMounts = new ArrayList<>();
        for (OciConfig.Mount m : config.mounts()) {
            if (m.isBind()) {
                binds.add(m.destination());
            } else if (!PROVIDED.contains(m.type()) && !m.destination().equals("/dev")) {
                otherMounts.add(m.type() + ":" + m.destination());
            }
        }
        if (!binds.isEmpty()) {
            out.add("bind mounts at " + String.join(" ", binds) + " (no host file sharing in the sandbox backend yet)");
        }
        if (!otherMounts.isEmpty()) {
            out.add("mounts " + String.join(" ", otherMounts) + " (the sandbox provides only /proc, /dev and tmpfs-like writes)");
        }
        UNHONOURED.addTo(config.linux(), out);
        Long limit = memoryLimit(config);
        if (limit != null && limit > MAX_MEMORY) {
            out.add("memory limit " + (limit >> 20) + " MiB (the sandbox caps memory at 2048 MiB)");
        }
        return out;
    }

    static Long memoryLimit(OciConfig config) {
        Linux linux = config.linux();
        if (linux == null || linux.resources() == null || linux.resources().memory() == null) {
            return null;
        }
        Long limit = linux.resources().memory().limit();
        return limit == null || limit <= 0 ? null : limit;
    }

    /** The sandbox configuration for a launch: process, environment (with a default PATH), cwd, stdio and memory. */
    static SandboxConfig sandboxConfig(ContainerLaunch launch) {
        Long limit = memoryLimit(launch.config());
        long memory = limit == null ? SandboxLimits.DEFAULT_MEMORY : Math.min(MAX_MEMORY, limit) & ~((1L << 20) - 1);
        List<String> env = new ArrayList<>(launch.process().env());
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.addFirst(SandboxConfig.DEFAULT_ENV.getFirst());
        }
        return new SandboxConfig(launch.rootfs(), launch.process().args(), env, launch.process().cwd(), launch.stdin(),
                launch.stdout(), launch.stderr(), new SandboxLimits(memory, memory), null);
    }

    @Override
    public int run(ContainerLaunch launch) {
        SandboxResult result = Sandbox.run(sandboxConfig(launch));
        if (result.signal() != 0 || result.exitStatus() == 127 && result.syscalls() == 0) {
            System.err.println("kapsel: " + result.reason());
        }
        return result.exitStatus();
    }
}
