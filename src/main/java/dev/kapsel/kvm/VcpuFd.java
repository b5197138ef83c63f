package dev.kapsel.kvm;


import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileDescriptor;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * One virtual CPU: registers, CPUID, MSRs, FPU, local APIC and the run loop's single step
 * ({@link #run()}). Used by one thread at a time: the vCPU thread after start-up.
 */
public final class VcpuFd implements AutoCloseable {
    private static final int KVM_MP_STATE_RUNNABLE = 0;

    private final int id;
    private final FileDescriptor fd;
    private final Arena arena = Arena.ofShared();
    private final KvmRun run;
    private final VcpuKicker kicker;

    VcpuFd(int id, FileDescriptor fd, int mmapSize) {
        this.id = id;
        this.fd = fd;
        this.run = new KvmRun(Libc.mmap(mmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd.fd(), 0, arena));
        this.kicker = new VcpuKicker(this);
    }

    /** Gets this vCPU out of KVM_RUN from another thread. */
    public VcpuKicker kicker() {
        return kicker;
    }

    public int id() {
        return id;
    }

    /** Enters the guest until the next exit that needs user space. */
    public VcpuExit run() {
        int r = Libc.ioctlRaw(fd.fd(), KvmIoctls.KVM_RUN, 0);
        if (r < 0) {
            if (-r == Errno.EINTR || -r == Errno.EAGAIN) {
                return new VcpuExit.Interrupted();
            }
            throw new SyscallException("KVM_RUN on vCPU " + id, -r);
        }
        return run.decode();
    }

    /** Supplies the bytes the guest reads for the last {@link VcpuExit.IoIn}. */
    public void completeIoIn(byte[] data) {
        run.completeIoIn(data);
    }

    /** Supplies the bytes the guest reads for the last {@link VcpuExit.MmioRead}. */
    public void completeMmioRead(byte[] data) {
        run.completeMmioRead(data);
    }

    /** Makes the next {@link #run()} return at once (used with a signal to stop a running vCPU: {@link VcpuKicker}). */
    public void setImmediateExit(boolean value) {
        run.setImmediateExit(value);
    }

    /**
     * KVM_SET_SIGNAL_MASK: the signals blocked while this vCPU is inside KVM_RUN (the kernel's
     * 64-bit mask, signal N at bit N-1), in place of the thread's own mask.
     */
    void setSignalMask(long blocked) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmLayouts.SIGNAL_MASK_HEADER + KvmLayouts.KERNEL_SIGSET_SIZE, 8);
            s.set(ValueLayout.JAVA_INT, 0, (int) KvmLayouts.KERNEL_SIGSET_SIZE);
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, KvmLayouts.SIGNAL_MASK_HEADER, blocked);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_SIGNAL_MASK, s);
        }
    }

    /**
     * KVM_SET_MP_STATE to KVM_MP_STATE_RUNNABLE: with the in-kernel irqchip an application processor
     * otherwise waits for INIT/SIPI from the boot CPU; this one runs from its registers at once.
     */
    public void setRunnable() {
        try (Arena a = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_MP_STATE, a.allocateFrom(ValueLayout.JAVA_INT, KVM_MP_STATE_RUNNABLE));
        }
    }

    public Regs getRegs() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmLayouts.REGS_SIZE, 8);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_REGS, s);
            return KvmCodec.decodeRegs(s);
        }
    }

    public void setRegs(Regs regs) {
        try (Arena a = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_REGS, KvmCodec.encodeRegs(regs, a));
        }
    }

    public SpecialRegisters getSregs() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmLayouts.SREGS_SIZE, 8);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_SREGS, s);
            return KvmCodec.decodeSregs(s);
        }
    }

    public void setSregs(SpecialRegisters sregs) {
        try (Arena a = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_SREGS, KvmCodec.encodeSregs(sregs, a));
        }
    }

    public void setCpuid(List<CpuidEntry> entries) {
        try (Arena a = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_CPUID2, KvmCodec.encodeCpuid(entries, a));
        }
    }

    /** Sets MSRs; fails naming the first MSR KVM refused. */
    public void setMsrs(List<MsrEntry> msrs) {
        try (Arena a = Arena.ofConfined()) {
            int written = Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_MSRS, KvmCodec.encodeMsrs(msrs, a));
            if (written != msrs.size()) {
                throw new MsrRejectedException(msrs.get(written).index(), id);
            }
        }
    }

    public List<MsrEntry> getMsrs(List<Integer> indices) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = KvmCodec.encodeMsrs(indices.stream().map(i -> new MsrEntry(i, 0)).toList(), a);
            int read = Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_MSRS, s);
            return KvmCodec.decodeMsrs(s, read);
        }
    }

    /** Sets the x87 control word and MXCSR, all other FPU state zero. */
    public void setFpu(int fcw, int mxcsr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmLayouts.FPU_SIZE, 8);
            s.set(ValueLayout.JAVA_SHORT, KvmLayouts.FPU_FCW, (short) fcw);
            s.set(ValueLayout.JAVA_INT, KvmLayouts.FPU_MXCSR, mxcsr);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_FPU, s);
        }
    }

    /** The 1024-byte local APIC register page ({@code struct kvm_lapic_state}). */
    public byte[] getLapic() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmLayouts.LAPIC_SIZE, 8);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_LAPIC, s);
            return s.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    public void setLapic(byte[] regs) {
        if (regs.length != KvmLayouts.LAPIC_SIZE) {
            throw new IllegalArgumentException("LAPIC state is " + KvmLayouts.LAPIC_SIZE + " bytes");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmLayouts.LAPIC_SIZE, 8);
            MemorySegment.copy(MemorySegment.ofArray(regs), 0, s, 0, regs.length);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_LAPIC, s);
        }
    }

    @Override
    public void close() {
        arena.close();
        fd.close();
    }
}
