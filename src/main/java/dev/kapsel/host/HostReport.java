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

    private static Finding device(String topic, Path path, String yes, String no) {
        return Files.exists(path) ? new Finding(topic, "available", yes) : new Finding(topic, "missing", no);
    }
}
