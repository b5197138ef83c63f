package dev.kapsel.vmm;

import dev.kapsel.arch.x86.GuestRamLayout;
import dev.kapsel.arch.x86.Layout;
import dev.kapsel.boot.BootProtocol;
import dev.kapsel.boot.KernelLoadException;
import dev.kapsel.boot.KernelLoader;
import dev.kapsel.bus.Bus;
import dev.kapsel.bus.RunGate;
import dev.kapsel.devices.legacy.AcpiPowerDevice;
import dev.kapsel.devices.legacy.I8042;
import dev.kapsel.devices.legacy.Serial16550;
import dev.kapsel.devices.virtio.balloon.BalloonDevice;
import dev.kapsel.devices.virtio.fs.FileServer;
import dev.kapsel.devices.virtio.fs.FsDevice;
import dev.kapsel.devices.virtio.block.BlockDevice;
import dev.kapsel.devices.virtio.block.DiskImage;
import dev.kapsel.devices.virtio.net.NetDevice;
import dev.kapsel.devices.virtio.net.TapBackend;
import dev.kapsel.sys.FileDescriptor;
import dev.kapsel.sys.NetNamespace;
import dev.kapsel.devices.virtio.rng.EntropyDevice;
import dev.kapsel.devices.virtio.vsock.VsockDevice;
import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.kvm.Kvm;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.memory.GuestMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import dev.kapsel.state.StateFormatException;
import dev.kapsel.state.StateReader;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;

/**
 * The boot recipe of a micro-VM, top to bottom (Firecracker's {@code builder.rs}): open KVM, create the
 * VM and its interrupt controllers, map guest memory, attach the virtio devices, load the guest
 * (kernel, initrd, command line, ACPI tables, zero page), attach the legacy devices, create and
 * configure the vCPUs. Everything made is registered with a {@link Cleanup} as it is made: when a step
 * fails, all of it is released in reverse before the {@link VmSetupException} leaves, and on success
 * the {@link MicroVm} owns it and releases it when it stops.
 */
public final class VmBuilder {
    private VmBuilder() {}

    /** Builds a Linux VM from {@code config}; the serial console writes to {@code consoleOut}. Nothing runs until {@link MicroVm#start}. */
    public static MicroVm build(VmConfig config, OutputStream consoleOut) throws VmSetupException {
        return build(config, consoleOut, new LinuxBoot(config));
    }

    /**
     * Builds a VM whose kernel is entered by the boot protocol {@code boot} names, or the one detected
     * from the kernel file: Linux (bzImage, vmlinux), Xen PVH, Multiboot v1 or a Firecracker-style ELF64.
     */
    public static MicroVm build(VmConfig config, OutputStream consoleOut, BootOptions boot) throws VmSetupException {
        BootProtocol protocol = boot.protocol().isPresent() ? boot.protocol().get() : detect(config);
        GuestPayload payload = protocol.protectedModeEntry()
                ? new ProtectedModeBoot(config, protocol, boot.virtioMmioCmdline())
                : new LinuxBoot(config, protocol, boot.virtioMmioCmdline());
        return build(config, consoleOut, payload);
    }

    private static BootProtocol detect(VmConfig config) throws VmSetupException {
        try {
            return KernelLoader.detectProtocol(config.kernel());
        } catch (KernelLoadException e) {
            throw new VmSetupException.Kernel(config.kernel(), e);
        }
    }

    /** As {@link #build(VmConfig, OutputStream)}, running {@code payload} instead of the config's kernel. */
    static MicroVm build(VmConfig config, OutputStream consoleOut, GuestPayload payload) throws VmSetupException {
        return assemble(config, consoleOut, payload, null, null);
    }

    /**
     * Makes the VM {@code state} describes again, as Firecracker's {@code build_microvm_from_snapshot}:
     * the same KVM objects and devices from {@code config} (the snapshot's, with the caller's overrides
     * such as another tap name), guest RAM mapped MAP_PRIVATE from {@code memoryFile} (opened by the
     * caller, length checked), each vCPU's and the VM's KVM state, and every device's state. Nothing runs
     * until {@link MicroVm#start}, which then re-notifies every virtio queue.
     */
    public static MicroVm restore(MicroVmState state, VmConfig config, FileDescriptor memoryFile, OutputStream consoleOut)
            throws VmSetupException {
        return assemble(config, consoleOut, new RestoredGuest(state), memoryFile, state);
    }

    private static MicroVm assemble(VmConfig config, OutputStream consoleOut, GuestPayload payload,
                                    FileDescriptor memoryFile, MicroVmState restored) throws VmSetupException {
        try (Cleanup cleanup = new Cleanup()) {
            Kvm kvm = cleanup.add(Kvm.open());
            VmFd vm = cleanup.add(createVm(kvm));
            GuestMemory memory = mapMemory(config, vm, memoryFile, cleanup);
            RunGate gate = new RunGate();
            Bus portIo = new Bus("pio", payload.unclaimedPortRead());
            Bus mmio = new Bus("mmio");
            MmioDeviceManager devices = new MmioDeviceManager(vm, kvm, mmio, memory, gate, cleanup, VmBuilder::warn);
            attachVirtioDevices(config, devices, gate, cleanup);
            GuestPayload.VcpuStart start = payload.load(memory, devices.windows(), config.vcpus());

            VmLifecycle lifecycle = new VmLifecycle();
            PanicWatcher console = new PanicWatcher(consoleOut);
            Serial16550 serial = new Serial16550(devices.interruptLine(Layout.IRQ_COM1), console);
            portIo.insert(Layout.COM1_PORT, Serial16550.REGISTER_COUNT, serial);
            I8042 i8042 = new I8042(devices.interruptLine(Layout.IRQ_KEYBOARD), () -> reset(lifecycle, console));
            portIo.insert(Layout.I8042_DATA_PORT, I8042.PORT_RANGE_LENGTH, i8042);
            AcpiPowerDevice power = new AcpiPowerDevice(() -> reset(lifecycle, console),
                    () -> lifecycle.exit(VmExitStatus.POWER_OFF));
            portIo.insert(Layout.ACPI_SLEEP_CONTROL_PORT, AcpiPowerDevice.PORT_COUNT, power);

            List<VcpuFd> vcpus = createVcpus(config, kvm, vm, start, cleanup);
            Runnable afterStart = () -> { };
            if (restored != null) {
                restoreDevices(restored, vm, serial, i8042, devices);
                List<VirtioMmioTransport> transports = devices.transports();
                afterStart = () -> transports.forEach(VirtioMmioTransport::renotify);
            }
            return new MicroVm(config, vm, memory, vcpus, portIo, mmio, serial, i8042, console, lifecycle, gate, devices,
                    cleanup.handOver(), afterStart);
        }
    }

    /** The VM's KVM state after its vCPUs' (the irqchip's pending interrupts last), then every device's. */
    private static void restoreDevices(MicroVmState state, VmFd vm, Serial16550 serial, I8042 i8042,
                                       MmioDeviceManager devices) throws VmSetupException {
        try {
            vm.restoreState(state.vm());
        } catch (RuntimeException e) {
            throw new VmSetupException.Kvm("load the saved irqchip, PIT and clock", e);
        }
        try {
            StateReader in = new StateReader(state.devices());
            serial.restoreState(in);
            i8042.restoreState(in);
            List<byte[]> saved = in.list(StateReader::bytes);
            List<VirtioMmioTransport> transports = devices.transports();
            if (saved.size() != transports.size()) {
                throw new StateFormatException("the snapshot has " + saved.size() + " virtio devices, its configuration "
                        + transports.size());
            }
            for (int i = 0; i < saved.size(); i++) {
                StateReader one = new StateReader(saved.get(i));
                transports.get(i).restoreState(one);
                one.end();
            }
            in.end();
        } catch (StateFormatException e) {
            throw new VmSetupException.Snapshot("device state: " + e.getMessage(), e);
        }
    }

    private static VmFd createVm(Kvm kvm) throws VmSetupException {
        VmFd vm;
        try {
            vm = kvm.createVm();
        } catch (RuntimeException e) {
            throw new VmSetupException.Kvm("create a VM", e);
        }
        try {
            vm.setTssAddress(Layout.KVM_TSS_ADDR);
            vm.setIdentityMapAddress(Layout.KVM_IDENTITY_MAP_ADDR);
            vm.createIrqchip();
            vm.createPit2();
            return vm;
        } catch (RuntimeException e) {
            vm.close();
            throw new VmSetupException.Kvm("create the interrupt controllers and timer", e);
        }
    }

    /** Guest RAM (anonymous, or from a memory file), unmapped when its arena closes (after the vCPUs are gone). */
    private static GuestMemory mapMemory(VmConfig config, VmFd vm, FileDescriptor memoryFile, Cleanup cleanup)
            throws VmSetupException {
        Arena arena = cleanup.add(Arena.ofShared());
        try {
            List<GuestRamLayout.Range> spans = GuestRamLayout.regionsFor(config.memoryBytes());
            return memoryFile == null ? GuestRam.map(vm, spans, arena) : GuestRam.mapFile(vm, spans, memoryFile.fd(), arena);
        } catch (RuntimeException e) {
            throw new VmSetupException.Memory(config.memoryMib(), e);
        }
    }

    /**
     * The disks (vda, vdb, ... in order), then the entropy device, the vsock device, the network
     * devices (eth0, eth1, ...), the balloon and the shared directories: one virtio-mmio window and IRQ each.
     */
    private static void attachVirtioDevices(VmConfig config, MmioDeviceManager devices, RunGate gate, Cleanup cleanup)
            throws VmSetupException {
        for (int i = 0; i < config.disks().size(); i++) {
            devices.attach(blockDevice(config.disks().get(i), i, cleanup));
        }
        if (config.rng()) {
            devices.attach(entropyDevice(cleanup));
        }
        if (config.vsock().isPresent()) {
            devices.attach(vsockDevice(config.vsock().get(), devices, gate, cleanup));
        }
        for (int i = 0; i < config.nets().size(); i++) {
            devices.attach(netDevice(config.nets().get(i), i, devices, gate, cleanup));
        }
        config.balloon().ifPresent(b -> devices.attach(new BalloonDevice(BalloonDevice.pagesOf(b.targetMib()), b.deflateOnOom())));
        for (int i = 0; i < config.shares().size(); i++) {
            devices.attach(fsDevice(config.shares().get(i), i, cleanup));
        }
    }

    private static FsDevice fsDevice(SharedDirConfig share, int index, Cleanup cleanup) throws VmSetupException {
        try {
            return new FsDevice(share.tag(), cleanup.add(FileServer.open(share.source().toString(), share.readOnly())));
        } catch (IOException e) {
            throw new VmSetupException.Device("shares", index, e.getMessage(), e);
        }
    }

    private static BlockDevice blockDevice(DiskConfig disk, int index, Cleanup cleanup) throws VmSetupException {
        DiskImage image;
        try {
            image = cleanup.add(DiskImage.open(disk.path(), disk.readOnly()));
        } catch (IOException e) {
            throw new VmSetupException.Device("disks", index, disk.path() + ": cannot open the image", e);
        }
        String name = disk.path().getFileName().toString();
        return new BlockDevice(image, name.substring(0, Math.min(name.length(), BlockDevice.ID_BYTES)));
    }

    private static EntropyDevice entropyDevice(Cleanup cleanup) throws VmSetupException {
        try {
            ReadableByteChannel source = cleanup.add(EntropyDevice.hostEntropy());
            return new EntropyDevice(source);
        } catch (IOException e) {
            throw new VmSetupException.Device("rng", -1, "/dev/urandom: cannot open it", e);
        }
    }

    /** The vsock device, listening on its Unix socket, with its host I/O thread running. */
    private static VsockDevice vsockDevice(VsockConfig vsock, MmioDeviceManager devices, RunGate gate, Cleanup cleanup)
            throws VmSetupException {
        VsockDevice device;
        try {
            device = new VsockDevice(vsock.guestCid(), vsock.uds());
        } catch (IOException e) {
            throw new VmSetupException.Device("vsock", -1, "uds " + vsock.uds() + ": cannot listen there", e);
        }
        cleanup.then(device::close);
        devices.ioThread(device.start("vsock", gate, VmBuilder::warn), device::wake);
        return device;
    }

    /** A network device on its tap, with its host I/O thread running. */
    private static NetDevice netDevice(NetConfig net, int index, MmioDeviceManager devices, RunGate gate, Cleanup cleanup)
            throws VmSetupException {
        TapBackend tap;
        try {
            // a tap opened on a thread inside its namespace stays bound to it: the device's I/O thread needs no setns
            tap = cleanup.add(net.namespace() == null ? TapBackend.open(net.tap(), net.takeOver())
                    : NetNamespace.call(net.namespace(), () -> TapBackend.open(net.tap(), net.takeOver())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmSetupException.Device("nets", index, "tap " + net.tap() + ": interrupted while attaching", e);
        } catch (Exception e) {
            throw new VmSetupException.Device("nets", index, "tap " + net.tap()
                    + ": cannot attach to the tap device (does it exist, and may this user open /dev/net/tun?)", e);
        }
        NetDevice device = new NetDevice(tap, net.mac());
        cleanup.then(device::close);
        devices.ioThread(device.start("net-" + index, gate, VmBuilder::warn), device::wake);
        return device;
    }

    private static List<VcpuFd> createVcpus(VmConfig config, Kvm kvm, VmFd vm, GuestPayload.VcpuStart start,
                                            Cleanup cleanup) throws VmSetupException {
        List<CpuidEntry> supported;
        try {
            supported = kvm.supportedCpuid();
        } catch (RuntimeException e) {
            throw new VmSetupException.Kvm("report its supported CPUID", e);
        }
        List<VcpuFd> vcpus = new ArrayList<>();
        for (int i = 0; i < config.vcpus(); i++) {
            try {
                VcpuFd vcpu = cleanup.add(vm.createVcpu(i));
                start.configure(vcpu, supported, config.vcpus());
                vcpus.add(vcpu);
            } catch (RuntimeException e) {
                throw new VmSetupException.Vcpu(i, e);
            }
        }
        return vcpus;
    }

    /** A reset right after a kernel panic is the panic's doing (panic=-1): report the panic. */
    private static void reset(VmLifecycle lifecycle, PanicWatcher console) {
        String panic = console.panicMessage();
        lifecycle.exit(panic != null ? new VmExit(VmExitStatus.PANIC, panic) : VmExit.of(VmExitStatus.RESET));
    }

    static void warn(String message) {
        System.err.println("kapsel: " + message);
    }
}
