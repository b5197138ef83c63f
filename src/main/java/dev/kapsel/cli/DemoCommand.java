package dev.kapsel.cli;

import dev.kapsel.host.Installation;

import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.initramfs.BusyboxInitramfs;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Boot a demo micro-VM that greets you, shows its kernel, CPUs and memory, and powers off.",
            "It boots the cached Debian cloud kernel with a busybox initramfs.",
            "On a host whose KVM emulates guest kernel mode, the demo runs inside the nested harness (harness/run)."
        })
final class DemoCommand implements Callable<Integer> {
    private static final String INIT = """
            mount -t proc proc /proc
            echo
            echo "Hello from a kapsel micro-VM."
            echo "  kernel:  $(uname -sr)"
            echo "  cpus:    $(grep -c ^processor /proc/cpuinfo)"
            echo "  memory:  $(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2-)"
            echo "  uptime:  $(cut -d' ' -f1 /proc/uptime) s since the kernel started"
            echo "Powering off."
            poweroff -f
            """;

    @Option(names = "--cpus", paramLabel = "N", description = "Number of vCPUs (default: ${DEFAULT-VALUE}).")
    int cpus = 2;

    @Option(names = "--memory", paramLabel = "MiB", description = "Guest RAM in MiB (default: ${DEFAULT-VALUE}).")
    long memoryMib = 256;

    @Override
    public Integer call() throws Exception {
        // The file-based check, as every container start makes it: inside the harness's L1 (no kvm_pvm)
        // it says hardware and the demo boots there; the timed probe would call L1's slow KVM emulated.
        KvmKind kind = KvmProbe.quickKind();
        if (kind != KvmKind.HARDWARE) {
            KvmProbe.Result kvm = KvmProbe.probe();
            if (kind == KvmKind.NONE || kvm.kind() == KvmKind.NONE) {
                throw new CommandFailure(VmLauncher.exitCode(VmExitStatus.KVM_UNAVAILABLE), kvm.reason(), null);
            }
            return inHarness(kvm);
        }
        GuestKernels kernels = new GuestKernels(StateDirectory.resolve());
        Path kernel = kernels.defaultVmlinux().or(kernels::defaultBzImage).orElseThrow(() -> new CommandFailure(
                VmLauncher.exitCode(VmExitStatus.BOOT_FAILURE), "no guest kernel cached under " + kernels.defaultDirectory()
                + ": run bin/setup", null));
        Path dir = Files.createTempDirectory("kapsel-demo-");
        Path initrd = dir.resolve("initramfs.cpio.gz");
        try {
            BusyboxInitramfs.withInit(INIT).writeTo(initrd);
            VmConfig config = new VmConfig(kernel, Optional.of(initrd), VmConfig.DEFAULT_CMDLINE + " quiet", cpus, memoryMib);
            System.err.printf("kapsel: booting %s with %d vCPUs and %d MiB%n", kernel, cpus, memoryMib);
            return VmLauncher.runToCompletion(config, null);
        } finally {
            Files.deleteIfExists(initrd);
            Files.deleteIfExists(dir);
        }
    }

    private int inHarness(KvmProbe.Result kvm) throws Exception {
        Path repo = Installation.repository();
        System.err.println("kapsel: " + kvm.reason() + ", so a Linux guest cannot boot here at a useful speed.");
        System.err.println("kapsel: running the demo inside the nested harness (QEMU TCG with an emulated SVM CPU);"
                + " this takes about a minute.");
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("harness/run").toString(),
                repo.resolve("bin/kapsel").toString(), "demo", "--cpus", String.valueOf(cpus),
                "--memory", String.valueOf(memoryMib)));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).inheritIO().start();
        return p.waitFor();
    }
}
