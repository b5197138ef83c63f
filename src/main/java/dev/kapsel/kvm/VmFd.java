package dev.kapsel.kvm;

import dev.kapsel.sys.FileDescriptor;
import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A KVM virtual machine file descriptor: memory slots, interrupt controllers, vCPUs. */
public final class VmFd implements AutoCloseable {
    private static final int KVM_IRQFD_FLAG_DEASSIGN = 1;
    private static final int KVM_IOEVENTFD_FLAG_PIO = 2;
    private static final int KVM_PIT_SPEAKER_DUMMY = 1;
    private static final int KVM_CLOCK_TSC_STABLE = 2;

    private final Kvm kvm;
    private final FileDescriptor fd;

    VmFd(Kvm kvm, FileDescriptor fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    public Kvm kvm() {
        return kvm;
    }

    public int fd() {
        return fd.fd();
    }

    /** Maps {@code host} (which must stay mapped while the VM lives) at guest-physical {@code guestPhys}. */
    public void setUserMemoryRegion(int slot, long guestPhys, MemorySegment host) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_USER_MEMORY_REGION,
                    KvmCodec.encodeMemoryRegion(slot, guestPhys, host.byteSize(), host.address(), arena));
        }
    }

    public void setTssAddress(long address) {
        Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_TSS_ADDR, address);
    }

    public void setIdentityMapAddress(long address) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR, arena.allocateFrom(ValueLayout.JAVA_LONG, address));
        }
    }

    /** In-kernel PIC pair, IOAPIC and per-vCPU local APICs. Must come before vCPUs are created. */
    public void createIrqchip() {
        Libc.ioctl(fd.fd(), KvmIoctls.KVM_CREATE_IRQCHIP, 0);
    }

    /** In-kernel i8254 PIT, with a dummy port 0x61 speaker so the kernel's PIT calibration works. */
    public void createPit2() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(KvmLayouts.PIT_CONFIG_SIZE, 8);
            config.set(ValueLayout.JAVA_INT, 0, KVM_PIT_SPEAKER_DUMMY);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_CREATE_PIT2, config);
        }
    }

    /** Sets an interrupt line's level on the in-kernel irqchip (GSI numbering). */
    public void irqLine(int gsi, boolean high) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment level = arena.allocate(KvmLayouts.IRQ_LEVEL_SIZE, 8);
            level.set(ValueLayout.JAVA_INT, 0, gsi);
            level.set(ValueLayout.JAVA_INT, 4, high ? 1 : 0);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_IRQ_LINE, level);
        }
    }

    /** Routes signals of {@code eventFd} to guest interrupt {@code gsi} inside the kernel. */
    public void registerIrqfd(int eventFd, int gsi) {
        irqfd(eventFd, gsi, 0);
    }

    public void unregisterIrqfd(int eventFd, int gsi) {
        irqfd(eventFd, gsi, KVM_IRQFD_FLAG_DEASSIGN);
    }

    private void irqfd(int eventFd, int gsi, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmLayouts.IRQFD_SIZE, 8);
            s.set(ValueLayout.JAVA_INT, 0, eventFd);
            s.set(ValueLayout.JAVA_INT, 4, gsi);
            s.set(ValueLayout.JAVA_INT, 8, flags);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_IRQFD, s);
        }
    }

    /** A guest write of any value to {@code [address, address+length)} signals {@code eventFd} without an exit to user space. */
    public void registerIoeventfd(int eventFd, long address, int length, boolean portIo) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmLayouts.IOEVENTFD_SIZE, 8);
            s.set(ValueLayout.JAVA_LONG, 0, 0L);
            s.set(ValueLayout.JAVA_LONG, 8, address);
            s.set(ValueLayout.JAVA_INT, 16, length);
            s.set(ValueLayout.JAVA_INT, 20, eventFd);
            s.set(ValueLayout.JAVA_INT, 24, portIo ? KVM_IOEVENTFD_FLAG_PIO : 0);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_IOEVENTFD, s);
        }
    }

    public VcpuFd createVcpu(int id) {
        int vcpu = Libc.ioctl(fd.fd(), KvmIoctls.KVM_CREATE_VCPU, id);
        return new VcpuFd(id, new FileDescriptor(vcpu), kvm.vcpuMmapSize(), xsaveSize());
    }

    /** KVM_CHECK_EXTENSION on this VM (some capabilities, such as KVM_CAP_XSAVE2, answer per VM). */
    public int checkExtension(int capability) {
        return Libc.ioctl(fd.fd(), KvmIoctls.KVM_CHECK_EXTENSION, capability);
    }

    private long xsaveSize() {
        return Math.max(KvmLayouts.XSAVE_SIZE, checkExtension(KvmIoctls.KVM_CAP_XSAVE2));
    }

    /** The in-kernel interrupt controllers KVM_GET/SET_IRQCHIP address by chip id. */
    public enum Irqchip {
        PIC_MASTER(0), PIC_SLAVE(1), IOAPIC(2);

        final int id;

        Irqchip(int id) {
            this.id = id;
        }
    }

    /** KVM_GET_IRQCHIP: the 512-byte state of one in-kernel PIC or the IOAPIC. */
    public byte[] getIrqchip(Irqchip chip) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmLayouts.IRQCHIP_SIZE, 8);
            s.set(ValueLayout.JAVA_INT, 0, chip.id);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_IRQCHIP, s);
            return s.asSlice(KvmLayouts.IRQCHIP_CHIP).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    public void setIrqchip(Irqchip chip, byte[] state) {
        long length = KvmLayouts.IRQCHIP_SIZE - KvmLayouts.IRQCHIP_CHIP;
        if (state.length != length) {
            throw new IllegalArgumentException("irqchip state is " + length + " bytes, not " + state.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmLayouts.IRQCHIP_SIZE, 8);
            s.set(ValueLayout.JAVA_INT, 0, chip.id);
            MemorySegment.copy(MemorySegment.ofArray(state), 0, s, KvmLayouts.IRQCHIP_CHIP, length);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_IRQCHIP, s);
        }
    }

    /** KVM_GET_PIT2: {@code struct kvm_pit_state2}, the three i8254 channels and the speaker flag. */
    public byte[] getPit2() {
        return KvmStructs.get(fd.fd(), KvmIoctls.KVM_GET_PIT2, KvmLayouts.PIT_STATE2_SIZE);
    }

    public void setPit2(byte[] state) {
        KvmStructs.set(fd.fd(), KvmIoctls.KVM_SET_PIT2, state, KvmLayouts.PIT_STATE2_SIZE, "PIT");
    }

    /**
     * KVM_GET_CLOCK: {@code struct kvm_clock_data}, the kvmclock value the guest reads. KVM_CLOCK_TSC_STABLE
     * is cleared, as Firecracker does: it describes this host, and KVM_SET_CLOCK refuses flags it does
     * not take.
     */
    public byte[] getClock() {
        byte[] clock = KvmStructs.get(fd.fd(), KvmIoctls.KVM_GET_CLOCK, KvmLayouts.CLOCK_DATA_SIZE);
        MemorySegment data = MemorySegment.ofArray(clock);
        int flags = data.get(ValueLayout.JAVA_INT_UNALIGNED, KvmLayouts.CLOCK_DATA_FLAGS);
        data.set(ValueLayout.JAVA_INT_UNALIGNED, KvmLayouts.CLOCK_DATA_FLAGS, flags & ~KVM_CLOCK_TSC_STABLE);
        return clock;
    }

    public void setClock(byte[] clock) {
        KvmStructs.set(fd.fd(), KvmIoctls.KVM_SET_CLOCK, clock, KvmLayouts.CLOCK_DATA_SIZE, "KVM clock");
    }

    /** The state of KVM's in-kernel devices and clock, in Firecracker's save order. */
    public KvmVmState saveState() {
        return new KvmVmState(getPit2(), getClock(), getIrqchip(Irqchip.PIC_MASTER), getIrqchip(Irqchip.PIC_SLAVE),
                getIrqchip(Irqchip.IOAPIC));
    }

    /** Loads {@code state} into this VM (whose irqchip and PIT exist), in Firecracker's restore order: PIT, clock, irqchips. */
    public void restoreState(KvmVmState state) {
        setPit2(state.pit());
        setClock(state.clock());
        setIrqchip(Irqchip.PIC_MASTER, state.picMaster());
        setIrqchip(Irqchip.PIC_SLAVE, state.picSlave());
        setIrqchip(Irqchip.IOAPIC, state.ioapic());
    }

    @Override
    public void close() {
        fd.close();
    }
}
