package dev.kapsel.vmm;

import dev.kapsel.bus.Bus;
import dev.kapsel.acpi.AcpiConfig;
import dev.kapsel.acpi.AcpiTables;
import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.arch.x86.BootCpuState;
import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.arch.x86.CpuidFilter;
import dev.kapsel.arch.x86.GuestRamLayout;
import dev.kapsel.arch.x86.Layout;
import dev.kapsel.boot.CmdlineException;
import dev.kapsel.boot.E820Map;
import dev.kapsel.boot.Initrd;
import dev.kapsel.boot.InitrdException;
import dev.kapsel.boot.KernelCmdline;
import dev.kapsel.boot.KernelLoadException;
import dev.kapsel.boot.KernelLoader;
import dev.kapsel.boot.LoadedKernel;
import dev.kapsel.boot.ZeroPage;
import dev.kapsel.memory.GuestAddress;
import dev.kapsel.bus.InterruptLine;
import dev.kapsel.devices.legacy.AcpiPowerDevice;
import dev.kapsel.devices.legacy.I8042;
import dev.kapsel.devices.legacy.Serial16550;
import dev.kapsel.kvm.Kvm;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.devices.virtio.block.BlockDevice;
import dev.kapsel.devices.virtio.block.DiskImage;
import dev.kapsel.devices.virtio.net.NetDevice;
import dev.kapsel.devices.virtio.net.TapBackend;
import dev.kapsel.devices.virtio.balloon.BalloonDevice;
import dev.kapsel.devices.virtio.rng.EntropyDevice;
import dev.kapsel.devices.virtio.vsock.VsockDevice;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.EventFd;
import dev.kapsel.virtio.EventFdNotified;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.mmio.MmioRegisters;
import dev.kapsel.virtio.mmio.QueueNotifier;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * One running micro-VM. {@link #build} is the boot recipe, top to bottom: create the VM and its
 * interrupt controllers, map memory, load the kernel and write the boot data, attach the devices,
 * create and configure the vCPUs. {@link #start} runs one thread per vCPU; the VM ends when
 * {@link VmLifecycle} gets its first exit reason.
 */
public final class MicroVm implements AutoCloseable {
    private final Kvm kvm;
    private final VmFd vm;
    private final Arena arena;
    private final GuestMemory memory;
    private final List<VcpuFd> vcpus;
    private final Bus portIo;
    private final Bus mmio;
    private final Serial16550 serial;
    private final PanicWatcher console;
    private final VmLifecycle lifecycle;

    private MicroVm(Kvm kvm, VmFd vm, Arena arena, GuestMemory memory, List<VcpuFd> vcpus, Bus portIo, Bus mmio,
                    Serial16550 serial, PanicWatcher console, VmLifecycle lifecycle) {
        this.kvm = kvm;
        this.vm = vm;
        this.arena = arena;
        this.memory = memory;
        this.vcpus = vcpus;
        this.portIo = portIo;
        this.mmio = mmio;
        this.serial = serial;
        this.console = console;
        this.lifecycle = lifecycle;
    }

    public static MicroVm build(VmConfig config, OutputStream consoleOut) throws VmSetupException {
        Kvm kvm = Kvm.open();
        VmFd vm = kvm.createVm();
        vm.setTssAddress(Layout.KVM_TSS_ADDR);
        vm.setIdentityMapAddress(Layout.KVM_IDENTITY_MAP_ADDR);
        vm.createIrqchip();
        vm.createPit2();

        Arena arena = Arena.ofShared();
        GuestMemory memory;
        LoadedKernel kernel;
        Bus portIo = new Bus("pio");
        Bus mmio = new Bus("mmio");
        try {
            memory = GuestRam.map(vm, GuestRamLayout.regionsFor(config.memoryBytes()), arena);
            List<VirtioMmioDevice> virtio = attachVirtioDevices(config, vm, kvm, mmio, memory);
            kernel = writeBootData(config, memory, virtio);
        } catch (VmSetupException | RuntimeException e) {
            // Nothing runs yet: give back the memory and the VM before reporting.
            arena.close();
            vm.close();
            kvm.close();
            throw e;
        }
        BootCpuState boot = BootCpuState.prepare(memory, kernel.entry());

        VmLifecycle lifecycle = new VmLifecycle();
        PanicWatcher console = new PanicWatcher(consoleOut);
        Serial16550 serial = attachSerial(vm, kvm, portIo, console);
        attachI8042(vm, kvm, portIo, lifecycle, console);
        attachAcpiPower(portIo, lifecycle, console);

        List<CpuidEntry> supportedCpuid = kvm.supportedCpuid();
        List<VcpuFd> vcpus = new ArrayList<>();
        for (int i = 0; i < config.vcpus(); i++) {
            VcpuFd vcpu = vm.createVcpu(i);
            VcpuSetup.configure(vcpu, CpuidFilter.forVcpu(supportedCpuid, i, config.vcpus()), boot);
            vcpus.add(vcpu);
        }
        return new MicroVm(kvm, vm, arena, memory, vcpus, portIo, mmio, serial, console, lifecycle);
    }

    /** Loads kernel and initrd, writes the command line, the ACPI tables (with the virtio devices) and the zero page. */
    private static LoadedKernel writeBootData(VmConfig config, GuestMemory memory, List<VirtioMmioDevice> virtio)
            throws VmSetupException {
        try {
            LoadedKernel kernel = KernelLoader.load(config.kernel(), memory);
            KernelCmdline cmdline = KernelCmdline.forKernel(kernel).append(config.cmdline());
            cmdline.writeTo(memory);
            ZeroPage zeroPage = new ZeroPage(kernel).cmdline(cmdline).e820(E820Map.forMemory(memory));
            if (config.initrd().isPresent()) {
                zeroPage.initrd(Initrd.load(config.initrd().get(), memory, kernel));
            }
            GuestAddress rsdp = AcpiTables.write(memory, new AcpiConfig(config.vcpus(), virtio));
            zeroPage.acpiRsdp(rsdp.value()).writeTo(memory);
            return kernel;
        } catch (KernelLoadException | InitrdException e) {
            throw new VmSetupException(e.getMessage(), e);
        } catch (CmdlineException e) {
            throw new VmSetupException("kernel command line: " + e.getMessage(), e);
        }
    }

    private static InterruptLine interruptLine(VmFd vm, Kvm kvm, int gsi) {
        return kvm.hasIrqfd() ? new IrqfdLine(vm, gsi) : new IrqLinePulse(vm, gsi);
    }

    /**
     * The disks (vda, vdb, ... in order), then the entropy device, the vsock device, the network
     * devices (eth0, eth1, ...) and the balloon: one virtio-mmio window and IRQ each.
     */
    private static List<VirtioMmioDevice> attachVirtioDevices(VmConfig config, VmFd vm, Kvm kvm, Bus mmio,
                                                              GuestMemory memory) throws VmSetupException {
        List<VirtioDevice> devices = new ArrayList<>();
        for (DiskConfig disk : config.disks()) {
            devices.add(blockDevice(disk));
        }
        if (config.rng()) {
            devices.add(entropyDevice());
        }
        if (config.vsock().isPresent()) {
            devices.add(attachVsock(config.vsock().get()));
        }
        for (int i = 0; i < config.nets().size(); i++) {
            devices.add(attachNet(config.nets().get(i), i));
        }
        config.balloon().ifPresent(b -> devices.add(new BalloonDevice(BalloonDevice.pagesOf(b.targetMib()), b.deflateOnOom())));
        List<VirtioMmioDevice> windows = new ArrayList<>();
        for (int slot = 0; slot < devices.size(); slot++) {
            windows.add(attachVirtioMmio(vm, kvm, mmio, memory, devices.get(slot), slot));
        }
        return windows;
    }

    private static BlockDevice blockDevice(DiskConfig disk) throws VmSetupException {
        try {
            String name = disk.path().getFileName().toString();
            return new BlockDevice(DiskImage.open(disk.path(), disk.readOnly()), name.substring(0, Math.min(name.length(), BlockDevice.ID_BYTES)));
        } catch (IOException e) {
            throw new VmSetupException("--disk " + disk.path() + ": cannot open the image: " + e.getMessage(), e);
        }
    }

    private static EntropyDevice entropyDevice() throws VmSetupException {
        try {
            return new EntropyDevice(EntropyDevice.hostEntropy());
        } catch (IOException e) {
            throw new VmSetupException("--rng: cannot open /dev/urandom: " + e.getMessage(), e);
        }
    }

    /** The vsock device, listening on its Unix socket, with its host I/O thread running. */
    private static VsockDevice attachVsock(VsockConfig vsock) throws VmSetupException {
        try {
            VsockDevice device = new VsockDevice(vsock.guestCid(), vsock.uds());
            device.start("vsock", MicroVm::warn);
            return device;
        } catch (IOException e) {
            throw new VmSetupException("--vsock uds=" + vsock.uds() + ": cannot listen there: " + e.getMessage(), e);
        }
    }

    /** A network device on its tap, with its host I/O thread running. */
    private static NetDevice attachNet(NetConfig net, int index) throws VmSetupException {
        try {
            NetDevice device = new NetDevice(TapBackend.open(net.tap()), net.mac());
            device.start("net-" + index, MicroVm::warn);
            return device;
        } catch (SyscallException e) {
            throw new VmSetupException("--net tap=" + net.tap() + ": cannot attach to the tap device (does it exist, "
                    + "and may this user open /dev/net/tun?): " + e.getMessage(), e);
        }
    }

    /**
     * Puts {@code device} behind a virtio-mmio transport in window {@code slot}: registers on the MMIO
     * bus, interrupts through the slot's GSI, queue notifications through an ioeventfd served by a
     * host thread where KVM has ioeventfds (otherwise QueueNotify exits to the vCPU thread): the device's
     * own I/O thread if it is {@link EventFdNotified}, else a {@link QueueNotifier}.
     */
    private static VirtioMmioDevice attachVirtioMmio(VmFd vm, Kvm kvm, Bus mmio, GuestMemory memory,
                                                     VirtioDevice device, int slot) {
        VirtioMmioDevice window = VirtioMmioDevice.at(Layout.VIRTIO_MMIO_START + slot * Layout.VIRTIO_MMIO_SIZE,
                Layout.IRQ_VIRTIO_FIRST + slot);
        VirtioMmioTransport transport = new VirtioMmioTransport(device, memory, interruptLine(vm, kvm, window.gsi()),
                MicroVm::warn);
        mmio.insert(window.base().value(), window.size(), transport);
        if (kvm.hasIoeventfd()) {
            long notifyAddress = window.base().value() + MmioRegisters.QUEUE_NOTIFY;
            if (device instanceof EventFdNotified selfServed) {
                vm.registerIoeventfd(selfServed.queueNotifyEventFd().fd(), notifyAddress, 4, false);
            } else {
                EventFd notify = new EventFd(0);
                vm.registerIoeventfd(notify.fd(), notifyAddress, 4, false);
                QueueNotifier.start("virtio-" + slot, notify, transport, MicroVm::warn);
            }
        }
        return window;
    }

    private static void warn(String message) {
        System.err.println("kapsel: " + message);
    }

    private static Serial16550 attachSerial(VmFd vm, Kvm kvm, Bus portIo, OutputStream out) {
        Serial16550 serial = new Serial16550(interruptLine(vm, kvm, Layout.IRQ_COM1), out);
        portIo.insert(Layout.COM1_PORT, Serial16550.REGISTER_COUNT, serial);
        return serial;
    }

    private static void attachI8042(VmFd vm, Kvm kvm, Bus portIo, VmLifecycle lifecycle, PanicWatcher console) {
        I8042 i8042 = new I8042(interruptLine(vm, kvm, Layout.IRQ_KEYBOARD), () -> reset(lifecycle, console));
        portIo.insert(Layout.I8042_DATA_PORT, I8042.PORT_RANGE_LENGTH, i8042);
    }

    private static void attachAcpiPower(Bus portIo, VmLifecycle lifecycle, PanicWatcher console) {
        AcpiPowerDevice power = new AcpiPowerDevice(() -> reset(lifecycle, console),
                () -> lifecycle.exit(VmExitStatus.POWER_OFF));
        portIo.insert(Layout.ACPI_SLEEP_CONTROL_PORT, AcpiPowerDevice.PORT_COUNT, power);
    }

    /** A reset right after a kernel panic is the panic's doing (panic=-1): report the panic. */
    private static void reset(VmLifecycle lifecycle, PanicWatcher console) {
        String panic = console.panicMessage();
        lifecycle.exit(panic != null ? new VmExit(VmExitStatus.PANIC, panic) : VmExit.of(VmExitStatus.RESET));
    }

    public Serial16550 serial() {
        return serial;
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Starts one platform thread per vCPU. */
    public void start() {
        for (VcpuFd vcpu : vcpus) {
            VcpuRunner runner = new VcpuRunner(vcpu, portIo, mmio, lifecycle);
            Thread.ofPlatform().daemon().name("vcpu-" + vcpu.id()).start(runner);
        }
    }

    /** Waits for the VM to end; a triple fault or KVM error right after a panic is reported as the panic. */
    /** How the VM ended, or null while it runs. */
    public VmExit exitIfEnded() throws InterruptedException {
        return lifecycle.isDone() ? awaitExit() : null;
    }

    public VmExit awaitExit() throws InterruptedException {
        VmExit exit = lifecycle.await();
        String panic = console.panicMessage();
        if (panic != null && exit.status() != VmExitStatus.POWER_OFF && exit.status() != VmExitStatus.PANIC) {
            return new VmExit(VmExitStatus.PANIC, panic);
        }
        return exit;
    }

    /**
     * Releases the VM. vCPU threads still inside KVM_RUN keep their file descriptors until the
     * process exits; {@code kapsel vm run} exits right after.
     */
    @Override
    public void close() {
        // Memory and fds stay valid while vCPU threads may still touch them; the process exit frees them.
    }
}
