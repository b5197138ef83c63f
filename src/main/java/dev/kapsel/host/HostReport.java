package dev.kapsel.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code kapsel doctor} reports: one finding per topic, each with what it means for the user. */
public final class HostReport {
    private HostReport() {}

    /** One line of the report. */
    public record Finding(String topic, String status, String meaning) {}

    public static List<Finding> examine() {
        List<Finding> findings = new ArrayList<>();
        findings.add(kvm(KvmProbe.probe()));
        findings.add(jdk());
        findings.add(kernel(new GuestKernels(StateDirectory.resolve())));
        findings.add(device("tap", Path.of("/dev/net/tun"),
                "virtio-net can attach tap devices (--net tap=NAME)",
                "no /dev/net/tun: virtio-net needs 'modprobe tun'"));
        findings.add(device("vsock", Path.of("/dev/vhost-vsock"),
                "the host kernel has vhost-vsock (kapsel's own vsock device does not need it)",
                "no /dev/vhost-vsock: fine, kapsel's virtio-vsock is served in user space over a Unix socket"));
        findings.add(seccomp(Path.of("/proc/sys/kernel/seccomp/actions_avail"), MonitorSeccomp.mode()));
        findings.add(noNewPrivs(Confinement.of(ProcessHandle.current().pid())));
        return findings;
    }

    static Finding kvm(KvmProbe.Result r) {
        String timing = r.cpl0LoopNanos() >= 0
                ? String.format(" (a %d-iteration kernel-mode loop took %.1f ms)", KvmProbe.LOOP_ITERATIONS, r.cpl0LoopNanos() / 1e6)
                : "";
        return switch (r.kind()) {
            case HARDWARE -> new Finding("kvm", "hardware", r.reason() + timing
                    + ". Micro-VMs boot Linux directly here, at full speed.");
            case EMULATED -> new Finding("kvm", "emulated", r.reason() + timing
                    + ". Sandboxed programs (user mode only) run at full speed, but a Linux guest cannot boot here at a"
                    + " useful speed: tests that boot Linux run inside the nested QEMU harness (harness/run) instead.");
            case NONE -> new Finding("kvm", "none", r.reason() + ". Nothing that needs KVM can run on this host.");
        };
    }

    static Finding jdk() {
        Runtime.Version v = Runtime.version();
        String vendor = System.getProperty("java.vendor", "");
        return new Finding("jdk", String.valueOf(v.feature()), v + " (" + vendor + ") at "
                + System.getProperty("java.home") + (v.feature() >= 22 ? "; the FFM API is available." : "; too old: kapsel needs JDK 25."));
    }

    static Finding kernel(GuestKernels kernels) {
        var vmlinux = kernels.defaultVmlinux();
        var bz = kernels.defaultBzImage();
        if (vmlinux.isEmpty() && bz.isEmpty()) {
            return new Finding("guest-kernel", "missing", "no guest kernel cached under " + kernels.defaultDirectory()
                    + ": run bin/setup (it fetches Debian's linux-image-cloud-amd64), or pass --kernel to 'vm run'.");
        }
        return new Finding("guest-kernel", "present", "default guest kernel in " + kernels.defaultDirectory()
                + " (" + vmlinux.map(p -> "vmlinux").orElse("") + (bz.isPresent() ? " bzImage" : "") + ")");
    }

    /**
     * Whether monitors can be filtered: the kernel lists the filter actions it knows in
     * {@code actions_avail} when it has CONFIG_SECCOMP_FILTER; kapsel needs kill_process, trap and log.
     */
    static Finding seccomp(Path actionsAvail, MonitorSeccomp.Mode mode) {
        String actions;
        try {
            actions = Files.readString(actionsAvail).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return new Finding("seccomp", "missing", "no " + actionsAvail + ": this kernel has no seccomp filters, so monitors"
                    + " run with every system call; run with KAPSEL_SECCOMP=off or --no-seccomp");
        }
        List<String> have = List.of(actions.split("\\s+"));
        List<String> lacking = java.util.stream.Stream.of("kill_process", "trap", "log").filter(a -> !have.contains(a)).toList();
        if (!lacking.isEmpty()) {
            return new Finding("seccomp", "partial", "the kernel's filter actions are " + actions + "; it lacks " + lacking
                    + ", so a KAPSEL_SECCOMP naming one fails the monitor's start");
        }
        String policy = mode == MonitorSeccomp.Mode.OFF
                ? "but KAPSEL_SECCOMP=off: monitors run unfiltered"
                : "each monitor installs kapsel's allow-list of " + MonitorSyscalls.ALLOWED.size() + " calls before its guest's"
                        + " first instruction, other calls: " + mode.word() + " (KAPSEL_SECCOMP=kill|trap|log|off, --no-seccomp)";
        return new Finding("seccomp", "available", "filters with actions " + actions + "; " + policy);
    }

    /** no_new_privs (Linux 3.5) is always there; say so, and whether this process already runs under it (a container). */
    static Finding noNewPrivs(java.util.Optional<Confinement> self) {
        String now = self.map(c -> c.noNewPrivs() ? " (kapsel itself already runs with it set)" : "").orElse("");
        return new Finding("no_new_privs", "available", "monitors set no_new_privs before their filter: nothing they run"
                + " can gain privileges through setuid files or file capabilities" + now);
    }

    private static Finding device(String topic, Path path, String yes, String no) {
        return Files.exists(path) ? new Finding(topic, "available", yes) : new Finding(topic, "missing", no);
    }
}
