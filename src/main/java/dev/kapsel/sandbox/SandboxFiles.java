package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.CharDevice;
import dev.kapsel.sandbox.fs.GeneratedFile;
import dev.kapsel.sandbox.fs.HostNode;
import dev.kapsel.sandbox.fs.HostStream;
import dev.kapsel.sandbox.fs.Node;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.OverlayDirectory;
import dev.kapsel.sandbox.fs.Symlink;
import dev.kapsel.sandbox.fs.SyntheticDirectory;
import dev.kapsel.sandbox.fs.UpperQuota;
import dev.kapsel.sandbox.mm.Vma;
import java.util.LinkedHashMap;
import java.util.Map;

/** The kernel-made parts of the tree: /dev (null, zero, urandom, tty, std streams) and a minimal /proc. */
final class SandboxFiles {
    private SandboxFiles() {}

    static SyntheticDirectory dev(HostStream tty, UpperQuota quota) {
        Map<String, Node> m = new LinkedHashMap<>();
        m.put("null", new CharDevice(CharDevice.Kind.NULL));
        m.put("zero", new CharDevice(CharDevice.Kind.ZERO));
        m.put("full", new CharDevice(CharDevice.Kind.FULL));
        m.put("random", new CharDevice(CharDevice.Kind.RANDOM));
        m.put("urandom", new CharDevice(CharDevice.Kind.URANDOM));
        m.put("tty", tty);
        m.put("stdin", new Symlink("/proc/self/fd/0"));
        m.put("stdout", new Symlink("/proc/self/fd/1"));
        m.put("stderr", new Symlink("/proc/self/fd/2"));
        m.put("fd", new Symlink("/proc/self/fd"));
        m.put("shm", new OverlayDirectory(null, quota, 01777));
        return new SyntheticDirectory(() -> new LinkedHashMap<>(m));
    }

    /** /proc; {@code self} is the process whose task is asking. */
    static SyntheticDirectory proc(java.util.function.Supplier<SandboxProcess> current,
                                   java.util.function.Supplier<Map<String, Node>> mounts) {
        SyntheticDirectory self = new SyntheticDirectory(() -> {
            SandboxProcess p = current.get();
            Map<String, Node> m = new LinkedHashMap<>();
            m.put("exe", new Symlink(() -> p.exe(), null));
            m.put("cwd", new Symlink(() -> p.cwd().path(), null));
            m.put("root", new Symlink("/"));
            m.put("fd", fdDirectory(p));
            m.put("maps", new GeneratedFile(() -> maps(p)));
            m.put("cmdline", new GeneratedFile(() -> String.join("\0", p.argv()) + "\0"));
            m.put("status", new GeneratedFile(() -> "Name:\t" + name(p) + "\nState:\tR (running)\nTgid:\t" + p.pid() + "\nPid:\t" + p.pid() + "\nPPid:\t" + p.parentPid() + "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\n"));
            m.put("stat", new GeneratedFile(() -> p.pid() + " (" + name(p) + ") R " + p.parentPid() + " " + p.pgid() + " " + p.sid() + " 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0\n"));
            return m;
        });
        Map<String, Node> top = new LinkedHashMap<>();
        top.put("self", self);

        top.put("cpuinfo", new GeneratedFile(SandboxFiles::cpuinfo));
        top.put("meminfo", new GeneratedFile(() -> meminfo(current.get())));
        top.put("uptime", new GeneratedFile(() -> {
            double up = (System.nanoTime() - current.get().startNanos()) / 1e9;
            return String.format("%.2f %.2f%n", up, up);
        }));
        top.put("version", new GeneratedFile(() -> "Linux version 6.1.0-kapsel-sandbox (kapsel) #1 SMP\n"));
        top.put("mounts", new GeneratedFile(() -> mounts(mounts.get())));
        top.put("filesystems", new GeneratedFile(() -> "nodev\tproc\n\toverlay\n"));
        return new SyntheticDirectory(() -> top);
    }

    /** /proc/mounts: the root, /proc, /dev, then each bind in the order it was made (ro for a read-only share). */
    private static String mounts(Map<String, Node> binds) {
        StringBuilder b = new StringBuilder("rootfs / overlay rw 0 0\nproc /proc proc ro 0 0\ndev /dev devtmpfs rw 0 0\n");
        for (var e : binds.entrySet()) {
            if (e.getValue() instanceof HostNode h) {
                b.append("kapsel ").append(e.getKey()).append(h.share().readOnly() ? " bind ro 0 0\n" : " bind rw 0 0\n");
            }
        }
        return b.toString();
    }

    private static String name(SandboxProcess p) {
        String exe = p.exe() == null ? "?" : p.exe();
        return exe.substring(exe.lastIndexOf('/') + 1);
    }

    private static SyntheticDirectory fdDirectory(SandboxProcess p) {
        return new SyntheticDirectory(() -> {
            Map<String, Node> m = new LinkedHashMap<>();
            for (int fd : p.fds().open()) {
                OpenFile f = p.fds().get(fd);
                m.put(Integer.toString(fd), new Symlink(() -> p.paths().of(f), f::node));
            }
            return m;
        });
    }

    private static String maps(SandboxProcess p) {
        StringBuilder b = new StringBuilder();
        for (Vma v : p.space().areas()) {
            b.append(String.format("%08x-%08x %s %08x 00:00 0", v.start(), v.end(), v.describeProt(),
                    v.backing() != null || v.shared() != null ? v.fileOffset() : 0));
            if (!v.name().isEmpty()) {
                b.append(" ".repeat(19)).append(v.name());
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String cpuinfo() {
        return """
                processor\t: 0
                vendor_id\t: kapsel
                model name\t: kapsel sandbox vCPU
                cpu MHz\t\t: 1000.000
                cache size\t: 1024 KB
                physical id\t: 0
                siblings\t: 1
                core id\t\t: 0
                cpu cores\t: 1
                flags\t\t: fpu tsc cx8 cmov mmx fxsr sse sse2 syscall nx lm pni ssse3 sse4_1 sse4_2 popcnt
                bogomips\t: 2000.00

                """;
    }

    private static String meminfo(SandboxProcess p) {
        long total = p.limits().memoryBytes() >> 10;
        long used = p.machine().frames().framesInUse() * 4;
        return "MemTotal:       " + total + " kB\nMemFree:        " + Math.max(0, total - used) + " kB\nMemAvailable:   "
                + Math.max(0, total - used) + " kB\nBuffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n";
    }
}
