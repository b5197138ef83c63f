package dev.kapsel.oci.backend;

import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.Rlimit;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.oci.spec.Linux;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the micro-VM backend reads a config.json: the VM's size from {@code linux.resources}, the guest
 * agent's process spec from {@code process} (and {@code hostname} for the first process), the file
 * bind mounts to write into the root image, and, one line each, what it cannot honour.
 */
final class VmConfigMapping {
    /** Below this the guest kernel, its initramfs and the agent leave the container nothing. */
    static final long MIN_MEMORY_MIB = 128;
    static final long DEFAULT_MEMORY_MIB = 256;
    static final long MAX_MEMORY_MIB = 16 * 1024;
    static final int MAX_VCPUS = 32;
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Mounts the guest makes itself (container initramfs), by type and destination. */
    private static final Set<String> GUEST_MOUNTS = Set.of("proc:/proc", "sysfs:/sys", "tmpfs:/dev", "devtmpfs:/dev",
            "devpts:/dev/pts", "tmpfs:/dev/shm", "tmpfs:/tmp", "mqueue:/dev/mqueue", "bind:/dev/shm");

    private static final UnhonouredLinuxFeatures UNHONOURED = new UnhonouredLinuxFeatures("the guest's /dev is its own devtmpfs",
            "the VM is the boundary; the profile is not applied inside the guest", "the VM has its own kernel and no network device");

    private VmConfigMapping() {}

    /** The VM's size: vCPUs and guest memory in MiB. */
    record VmSize(int vcpus, long memoryMib) {}

    static VmSize size(OciConfig config, int hostCpus) {
        Linux.Resources r = config.linux() == null ? null : config.linux().resources();
        long memory = DEFAULT_MEMORY_MIB;
        Long limit = r == null || r.memory() == null ? null : r.memory().limit();
        if (limit != null && limit > 0) {
            memory = Math.clamp((limit + (1 << 20) - 1) >> 20, MIN_MEMORY_MIB, MAX_MEMORY_MIB);
        }
        int vcpus = 1;
        Linux.Cpu cpu = r == null ? null : r.cpu();
        if (cpu != null) {
            if (cpu.quota() != null && cpu.quota() > 0 && cpu.period() != null && cpu.period() > 0) {
                vcpus = (int) Math.min(Integer.MAX_VALUE, (cpu.quota() + cpu.period() - 1) / cpu.period());
            } else if (cpu.cpus() != null && !cpu.cpus().isBlank()) {
                vcpus = cpusetSize(cpu.cpus());
            }
        }
        return new VmSize(Math.clamp(vcpus, 1, Math.max(1, Math.min(MAX_VCPUS, hostCpus))), memory);
    }

    /** The number of CPUs in a cpuset list such as {@code 0-3,6}; 1 if it cannot be read. */
    static int cpusetSize(String list) {
        int n = 0;
        try {
            for (String part : list.strip().split(",")) {
                String[] range = part.strip().split("-", 2);
                int lo = Integer.parseInt(range[0].strip());
                int hi = range.length == 2 ? Integer.parseInt(range[1].strip()) : lo;
                if (lo < 0 || hi < lo || hi - lo >= 4096) {
                    return 1;
                }
                n += hi - lo + 1;
            }
        } catch (NumberFormatException e) {
            return 1;
        }
        return Math.max(1, n);
    }

    /**
     * The agent's spec for {@code process}: args, env (with a default PATH), cwd, user and groups,
     * rlimits, terminal of {@code size}, stdin always (the host end may just be at end of file), and
     * for the container's first process ({@code hostname} non-null) the hostname.
     *
     * @throws IllegalArgumentException for what the agent cannot take (an unknown rlimit, a NUL byte, ...)
     */
    static ProcessSpec processSpec(OciProcess process, String hostname, TerminalSize size) {
        List<String> env = new ArrayList<>(process.env());
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.addFirst(DEFAULT_PATH);
        }
        ProcessSpec.Builder b = ProcessSpec.of(process.args().toArray(String[]::new))
                .env(env.toArray(String[]::new))
                .cwd(process.cwd() == null || process.cwd().isEmpty() ? "/" : process.cwd())
                .user(id("uid", process.user().uid()), id("gid", process.user().gid()),
                        process.user().additionalGids().stream().map(g -> id("additional gid", g)).toArray(Integer[]::new))
                .stdin();
        for (OciProcess.Rlimit r : process.rlimits()) {
            b.rlimit(Rlimit.of(r.type(), r.soft(), r.hard()));
        }
        if (hostname != null && !hostname.isEmpty()) {
            b.hostname(hostname);
        }
        if (process.terminal()) {
            b.terminal(size);
        }
        return b.build();
    }

    private static int id(String what, long value) {
        if (value < 0 || value >= 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0..4294967294");
        }
        return (int) value;
    }

    /** Bind mounts of single host files, by guest path: written into the root image before boot. */
    static Map<String, Path> fileBinds(OciConfig config) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (OciConfig.Mount m : config.mounts()) {
            if (m.isBind() && m.source() != null && Files.isRegularFile(Path.of(m.source()))) {
                files.put(Path.of(m.destination()).normalize().toString(), Path.of(m.source()));
            }
        }
        return files;
    }

    static List<String> limitations(OciConfig config) {
        List<String> out = new ArrayList<>();
        List<String> dirBinds = new ArrayList<>();
        List<String> otherMounts = new ArrayList<>();
        for (OciConfig.Mount m : config.mounts()) {
            String type = m.isBind() ? "bind" : m.type();
            if (GUEST_MOUNTS.contains(type + ":" + m.destination())) {
                continue;
            }
            if (m.isBind()) {
                if (m.source() == null || !Files.isRegularFile(Path.of(m.source()))) {
                    dirBinds.add(m.destination());
                }
            } else {
                otherMounts.add(type + ":" + m.destination());
            }
        }
        if (!dirBinds.isEmpty()) {
            out.add("directory bind mounts at " + String.join(" ", dirBinds)
                    + " (no file system shared with the guest yet; single files are copied into the root image)");
        }
        if (!otherMounts.isEmpty()) {
            out.add("mounts " + String.join(" ", otherMounts)
                    + " (the guest mounts its own /proc, /sys, /dev, /dev/pts, /dev/shm, /dev/mqueue and /tmp)");
        }
        if (config.root().readonly()) {
            out.add("read-only root (the guest's root is the image under a writable in-memory overlay)");
        }
        Linux linux = config.linux();
        UNHONOURED.addTo(linux, out);
        if (linux != null) {
            Long limit = linux.resources() == null || linux.resources().memory() == null ? null : linux.resources().memory().limit();
            if (limit != null && limit > 0 && (limit < MIN_MEMORY_MIB << 20 || limit > MAX_MEMORY_MIB << 20)) {
                out.add("memory limit " + (limit >> 20) + " MiB (the VM gets " + size(config, MAX_VCPUS).memoryMib()
                        + " MiB: VMs have " + MIN_MEMORY_MIB + "-" + MAX_MEMORY_MIB + " MiB, the guest kernel included)");
            }
        }
        return out;
    }
}
