package dev.kapsel.kvm;

import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A throw-away VM with a little RAM and one vCPU in real mode, about to run a code blob: used by the
 * host probe (timing guest kernel-mode code) and by tests of the vCPU loop.
 */
public final class RealModeVm implements AutoCloseable {
    /** Where the code is placed and the vCPU starts. */
    public static final int CODE_ADDRESS = 0x1000;

    private final VmFd vm;
    private final Arena arena;
    private final MemorySegment ram;
    private final VcpuFd vcpu;

    private RealModeVm(VmFd vm, Arena arena, MemorySegment ram, VcpuFd vcpu) {
        this.vm = vm;
        this.arena = arena;
        this.ram = ram;
        this.vcpu = vcpu;
    }

    /** {@code ramSize} bytes of RAM at guest address 0, {@code code} at {@link #CODE_ADDRESS}, CS:IP at it. */
    public static RealModeVm create(Kvm kvm, int ramSize, byte[] code) {
        return create(kvm, ramSize, code, false);
    }

    /**
     * As {@link #create(Kvm, int, byte[])}, with the in-kernel interrupt controllers when {@code irqchip}:
     * then a HLT waits inside KVM_RUN for an interrupt, as an idle Linux vCPU does, instead of exiting.
     */
    public static RealModeVm create(Kvm kvm, int ramSize, byte[] code, boolean irqchip) {
        VmFd vm = kvm.createVm();
        if (irqchip) {
            vm.createIrqchip();
        }
        Arena arena = Arena.ofShared();
        MemorySegment ram = Libc.mmap(ramSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS,
                -1, 0, arena);
        MemorySegment.copy(MemorySegment.ofArray(code), 0, ram, CODE_ADDRESS, code.length);
        vm.setUserMemoryRegion(0, 0, ram);
        VcpuFd vcpu = vm.createVcpu(0);
        startAt(vcpu, CODE_ADDRESS);
        return new RealModeVm(vm, arena, ram, vcpu);
    }

    /** Points a vCPU that is still in its reset state (real mode) at {@code address}, with CS base 0. */
    public static void startAt(VcpuFd vcpu, int address) {
        SpecialRegisters s = vcpu.getSregs();
        SpecialRegisters.Builder b = s.toBuilder();
        b.cs = new Segment(0, 0xffff, 0, s.cs().type(), true, 0, false, true, false, false, false, false);
        vcpu.setSregs(b.build());
        vcpu.setRegs(Regs.INITIAL.withRip(address));
    }

    public VmFd vmFd() {
        return vm;
    }

    public VcpuFd vcpu() {
        return vcpu;
    }

    public MemorySegment ram() {
        return ram;
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        arena.close();
    }
}
