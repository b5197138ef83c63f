package dev.kapsel.cli;

import dev.kapsel.boot.BootProtocol;
import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.vmm.BalloonConfig;
import dev.kapsel.vmm.BootOptions;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExitStatus;
import dev.kapsel.vmm.VsockConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Boot a kernel in a new micro-VM with the serial console on this terminal: Linux (bzImage or ELF vmlinux),",
            "or a unikernel entered by Xen PVH, Multiboot v1 or Firecracker's 64-bit ELF entry (see --boot-protocol).",
            "The guest's console output goes to stdout, stdin goes to the guest. The VM ends when the guest powers off.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  kapsel vm run --initrd initramfs.cpio.gz --cmdline 'console=ttyS0 rdinit=/init'",
            "  kapsel vm run --kernel vmlinux --cpus 2 --memory 512",
            "  kapsel vm run --initrd initramfs.cpio.gz --disk root.ext4 --disk data.img,ro --rng",
            "  kapsel vm run --initrd initramfs.cpio.gz --vsock uds=/run/vm1.sock --net tap=tap0",
            "  kapsel vm run --initrd initramfs.cpio.gz --control-sock /run/vm1.ctl   (then: kapsel vm snapshot)",
            "  kapsel vm run --kernel app.multiboot --cmdline 'verbose' --memory 64",
            "  kapsel vm run --kernel app.elf --boot-protocol pvh --initrd files.cpio --disk data.img --virtio-mmio-cmdline",
            "",
            "A unikernel ends the VM by powering off (ACPI S5: port 0x600 <- 0x34) or by the i8042 reset (port 0x64 <- 0xFE).",
            "",
            "Exit codes: 0 the guest powered off; 80 it rebooted (a micro-VM ends instead of rebooting);",
            "81 its kernel panicked; 82 triple fault; 83 KVM failed to run it; 84 the VM could not be set up",
            "(missing or corrupt kernel or initrd); 85 no usable KVM on this host; 2 bad arguments."
        })
final class VmRunCommand implements Callable<Integer> {
    /** {@code --boot-protocol NAME}: a usage error naming the choices for anything else. */
    static final class BootProtocolConverter implements CommandLine.ITypeConverter<BootProtocol> {
        @Override
        public BootProtocol convert(String value) {
            try {
                return BootProtocol.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Option(names = "--kernel", paramLabel = "PATH",
            description = "Kernel: an uncompressed ELF vmlinux or a bzImage. Default: the cached Debian cloud kernel (bin/setup).")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "PATH",
            description = "Initial RAM disk (cpio, optionally compressed); for a PVH or multiboot kernel, its one module.")
    Path initrd;

    @Option(names = "--boot-protocol", paramLabel = "PROTOCOL", converter = BootProtocolConverter.class,
            description = {"How to enter the kernel: linux (Linux's 64-bit boot protocol, zero page at RSI), pvh (Xen PVH:",
                "32-bit, EBX = hvm_start_info), multiboot (Multiboot v1: 32-bit, EAX = 0x2BADB002, EBX = multiboot_info),",
                "elf64 (Firecracker's entry for a non-Linux ELF64, e.g. Unikraft's Firecracker build).",
                "Default: detected from the file (bzImage or a vmlinux's 'Linux' ELF note: linux; a Xen PHYS32_ENTRY note:",
                "pvh; a multiboot header in the first 8 KiB: multiboot; another ELF64: elf64)."})
    BootProtocol bootProtocol;

    @Option(names = "--virtio-mmio-cmdline",
            description = {"Append 'virtio_mmio.device=4K@ADDR:IRQ' for each virtio device to the command line, for kernels",
                "that do not find the devices in the ACPI DSDT (most unikernels; Linux reads either)."})
    boolean virtioMmioCmdline;

    @Option(names = "--cmdline", paramLabel = "STR",
            description = "Kernel command line. Default: '" + VmConfig.DEFAULT_CMDLINE + "'.")
    String cmdline = VmConfig.DEFAULT_CMDLINE;

    @Option(names = "--cpus", paramLabel = "N", description = "Number of vCPUs (default: ${DEFAULT-VALUE}).")
    int cpus = 1;

    @Option(names = "--memory", paramLabel = "MiB", description = "Guest RAM in MiB (default: ${DEFAULT-VALUE}).")
    long memoryMib = 256;

    @Option(names = "--disk", paramLabel = "PATH[,ro]",
            description = {"Attach a raw disk image as a virtio-blk device (repeatable; /dev/vda, /dev/vdb, ... in order).",
                "',ro' attaches it read-only: the guest sees a read-only disk and writes fail.",
                "The guest needs the virtio_mmio and virtio_blk modules (the Debian cloud kernel has them as modules)."})
    List<String> disks = new ArrayList<>();

    @Option(names = "--rng", description = "Attach a virtio-rng device fed from the host's /dev/urandom (the guest's /dev/hwrng). Off by default, as in Firecracker.")
    boolean rng;

    @Option(names = "--vsock", paramLabel = "uds=PATH[,cid=N]",
            description = {"Attach a virtio-vsock device (guest CID N, default 3) with Firecracker's host side:",
                "host programs connect to the Unix socket PATH and write 'CONNECT <port>\\n' to reach a guest port",
                "(answered 'OK <host port>\\n'); guest connections to host port P go to the Unix socket PATH_P."})
    String vsock;

    @Option(names = "--net", paramLabel = "tap=NAME[,mac=MAC]",
            description = {"Attach a virtio-net device on the existing host tap interface NAME (repeatable: eth0, eth1, ...).",
                "Create it first, e.g. 'ip tuntap add dev NAME mode tap'. Checksum and TSO offloads are negotiated with the guest; MAC default 06:00:ac:10:00:02."})
    List<String> nets = new ArrayList<>();

    @Option(names = "--balloon", paramLabel = "MIB[,deflate-on-oom]",
            description = {"Attach a virtio-balloon device whose target is MIB MiB: the guest's virtio_balloon driver gives",
                "that much memory back to the host at boot (it leaves the guest's MemTotal). With deflate-on-oom the",
                "guest may take it back under memory pressure. Off by default."})
    String balloon;

    @Option(names = "--fs", paramLabel = "TAG=HOSTDIR[,ro]",
            description = {"Share the host directory HOSTDIR as a virtio-fs device the guest mounts with",
                "'mount -t virtiofs TAG DIR' (repeatable; guest feature fs). ',ro' makes the host refuse every change."})
    List<String> shares = new ArrayList<>();

    @Option(names = "--control-sock", paramLabel = "PATH",
            description = {"Listen on the Unix socket PATH for 'kapsel vm snapshot' (and pause, resume, stop requests)",
                "while the VM runs. Removed when the VM ends."})
    Path controlSocket;

    @Override
    public Integer call() throws Exception {
        Path kernelPath = kernel != null ? kernel : defaultKernel();
        VmConfig config;
        try {
            List<DiskConfig> diskConfigs = disks.stream().map(VmDeviceOptions::disk).toList();
            List<NetConfig> netConfigs = new ArrayList<>();
            for (String net : nets) {
                netConfigs.add(VmDeviceOptions.net(net, netConfigs.size()));
            }
            Optional<VsockConfig> vsockConfig = Optional.ofNullable(vsock).map(VmDeviceOptions::vsock);
            config = new VmConfig(kernelPath, Optional.ofNullable(initrd), cmdline, cpus, memoryMib, diskConfigs, rng,
                    vsockConfig, netConfigs, Optional.ofNullable(balloon).map(VmDeviceOptions::balloon),
                    shares.stream().map(VmDeviceOptions::share).toList());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(2, e.getMessage(), e);
        }
        return VmLauncher.runToCompletion(config, new BootOptions(Optional.ofNullable(bootProtocol), virtioMmioCmdline), controlSocket);
    }

    private static Path defaultKernel() {
        GuestKernels kernels = new GuestKernels(StateDirectory.resolve());
        return kernels.defaultVmlinux().or(kernels::defaultBzImage).orElseThrow(() -> new CommandFailure(
                VmLauncher.exitCode(VmExitStatus.BOOT_FAILURE),
                "no --kernel given and no guest kernel cached under " + kernels.defaultDirectory() + ": run bin/setup",
                null));
    }
}
