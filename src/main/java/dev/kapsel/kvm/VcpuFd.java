package dev.kapsel.kvm;


import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileDescriptor;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.seccomp.FilterAtGuestEntry;
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
    /** Bytes of KVM_GET_XSAVE(2)'s buffer: 4096, or more where KVM_CAP_XSAVE2 says the guest's XSAVE area is larger. */
    private final long xsaveSize;

    VcpuFd(int id, FileDescriptor fd, int mmapSize, long xsaveSize) {
        this.id = id;
        this.fd = fd;
        this.xsaveSize = xsaveSize;
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
        FilterAtGuestEntry.beforeGuestEntry();
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

    /** KVM_GET_MP_STATE: runnable, uninitialized (an AP waiting for INIT/SIPI), halted, ... */
    public int getMpState() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_INT);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_MP_STATE, s);
            return s.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public void setMpState(int mpState) {
        try (Arena a = Arena.ofConfined()) {
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_MP_STATE, a.allocateFrom(ValueLayout.JAVA_INT, mpState));
        }
    }

    /** KVM_GET_CPUID2: the CPUID this vCPU was given. */
    public List<CpuidEntry> getCpuid() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cpuid = KvmCodec.allocateCpuid(Kvm.MAX_CPUID_ENTRIES, a);
            Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_CPUID2, cpuid);
            return KvmCodec.decodeCpuid(cpuid);
        }
    }

    /** The whole {@code struct kvm_xsave} (x87, SSE, AVX, ... state), through KVM_GET_XSAVE2 when it is larger than 4 KiB. */
    public byte[] getXsave() {
        return KvmStructs.get(fd.fd(), xsaveSize > KvmLayouts.XSAVE_SIZE ? KvmIoctls.KVM_GET_XSAVE2 : KvmIoctls.KVM_GET_XSAVE, xsaveSize);
    }

    public void setXsave(byte[] xsave) {
        KvmStructs.set(fd.fd(), KvmIoctls.KVM_SET_XSAVE, xsave, xsaveSize, "XSAVE");
    }

    /** {@code struct kvm_xcrs}: the extended control registers (XCR0). */
    public byte[] getXcrs() {
        return KvmStructs.get(fd.fd(), KvmIoctls.KVM_GET_XCRS, KvmLayouts.XCRS_SIZE);
    }

    public void setXcrs(byte[] xcrs) {
        KvmStructs.set(fd.fd(), KvmIoctls.KVM_SET_XCRS, xcrs, KvmLayouts.XCRS_SIZE, "XCRS");
    }

    /** {@code struct kvm_debugregs}: DR0-3, DR6, DR7. */
    public byte[] getDebugRegs() {
        return KvmStructs.get(fd.fd(), KvmIoctls.KVM_GET_DEBUGREGS, KvmLayouts.DEBUGREGS_SIZE);
    }

    public void setDebugRegs(byte[] debugRegs) {
        KvmStructs.set(fd.fd(), KvmIoctls.KVM_SET_DEBUGREGS, debugRegs, KvmLayouts.DEBUGREGS_SIZE, "debug registers");
    }

    /** {@code struct kvm_vcpu_events}: pending exception, interrupt and NMI, interrupt shadow, SMM state. */
    public byte[] getVcpuEvents() {
        return KvmStructs.get(fd.fd(), KvmIoctls.KVM_GET_VCPU_EVENTS, KvmLayouts.VCPU_EVENTS_SIZE);
    }

    public void setVcpuEvents(byte[] events) {
        KvmStructs.set(fd.fd(), KvmIoctls.KVM_SET_VCPU_EVENTS, events, KvmLayouts.VCPU_EVENTS_SIZE, "vCPU events");
    }

    /** KVM_GET_TSC_KHZ: the guest's TSC frequency. */
    public int getTscKhz() {
        return Libc.ioctl(fd.fd(), KvmIoctls.KVM_GET_TSC_KHZ, 0);
    }

    /** KVM_SET_TSC_KHZ: scales the guest's TSC to {@code khz} (needs TSC scaling in hardware unless it equals the host's). */
    public void setTscKhz(int khz) {
        Libc.ioctl(fd.fd(), KvmIoctls.KVM_SET_TSC_KHZ, khz);
    }

    /**
     * Reads this (stopped) vCPU's whole state, in Firecracker's order: MP state first (reading it makes
     * KVM accept pending INIT/SIPI events, which change the rest), the vCPU events last (the other
     * reads may still change them). {@code msrs} are the indices to save: {@link #readableMsrs} of the
     * host's {@link Kvm#msrIndexList}.
     */
    public KvmVcpuState saveState(List<Integer> msrs) {
        int mpState = getMpState();
        Regs regs = getRegs();
        SpecialRegisters sregs = getSregs();
        byte[] xsave = getXsave();
        byte[] xcrs = getXcrs();
        byte[] debugRegs = getDebugRegs();
        byte[] lapic = getLapic();
        int tscKhz = tscKhzOrZero();
        List<MsrEntry> msrValues = getMsrs(msrs);
        if (msrValues.size() != msrs.size()) {
            throw new MsrRejectedException(msrs.get(msrValues.size()), id);
        }
        byte[] events = getVcpuEvents();
        return new KvmVcpuState(mpState, regs, sregs, xsave, xcrs, debugRegs, lapic, tscKhz, msrValues, events, getCpuid());
    }

    private int tscKhzOrZero() {
        try {
            return getTscKhz();
        } catch (SyscallException e) {
            return 0; // no KVM_CAP_GET_TSC_KHZ: the snapshot then loads only where the TSC runs at the same rate
        }
    }

    /**
     * Loads {@code state} into this new vCPU in the order KVM needs (Firecracker's): CPUID first (the
     * MSRs and XSAVE it allows depend on it), MP state, then the registers (KVM_SET_REGS clears pending
     * exceptions, which KVM_SET_VCPU_EVENTS at the end restores), special registers before the LAPIC
     * (they carry the APIC base), the LAPIC before the MSRs (the TSC-deadline MSR takes only with the
     * LAPIC configured), the events last. The TSC frequency is left to the caller
     * ({@link #setTscKhz}), which decides whether this host needs it scaled.
     */
    public void restoreState(KvmVcpuState state) {
        setCpuid(state.cpuid());
        setMpState(state.mpState());
        setRegs(state.regs());
        setSregs(state.sregs());
        setXsave(state.xsave());
        setXcrs(state.xcrs());
        setDebugRegs(state.debugRegs());
        setLapic(state.lapic());
        setMsrs(state.msrs());
        setVcpuEvents(state.events());
    }

    /**
     * Of {@code candidates} (the host's KVM_GET_MSR_INDEX_LIST), those this vCPU can read: KVM_GET_MSRS
     * stops at the first MSR it refuses, which is dropped and the rest tried again.
     */
    public List<Integer> readableMsrs(List<Integer> candidates) {
        List<Integer> left = new java.util.ArrayList<>(candidates);
        List<Integer> readable = new java.util.ArrayList<>();
        while (!left.isEmpty()) {
            int read = getMsrs(left).size();
            readable.addAll(left.subList(0, read));
            left = new java.util.ArrayList<>(left.subList(Math.min(read + 1, left.size()), left.size()));
        }
        return readable;
    }

    @Override
    public void close() {
        arena.close();
        fd.close();
    }
}
