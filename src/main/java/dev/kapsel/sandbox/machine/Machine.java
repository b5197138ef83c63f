package dev.kapsel.sandbox.machine;

import dev.kapsel.arch.x86.CpuidEntry;
import dev.kapsel.arch.x86.DescriptorTable;
import dev.kapsel.kvm.Kvm;
import dev.kapsel.arch.x86.Segment;
import dev.kapsel.arch.x86.MsrEntry;
import dev.kapsel.kvm.Regs;
import dev.kapsel.kvm.SpecialRegisters;
import dev.kapsel.kvm.VcpuExit;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.kvm.VmFd;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.GuestRegion;
import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A KVM virtual machine with one vCPU that runs a program at CPL3 and nothing else: guest memory,
 * descriptor tables, the {@link EntryStub}, and the transitions between user mode and the Java
 * kernel. {@link #next()} runs the program until it traps; {@link #resume(Regs)} and
 * {@link #resumeFromException(Regs)} return to it. TLB entries of page-table changes that made a
 * mapping stricter are invalidated by the flush stub before the program runs again.
 */
public final class Machine implements AutoCloseable {
    private static final int MSR_STAR = 0xc0000081;
    private static final int MSR_LSTAR = 0xc0000082;
    private static final int MSR_CSTAR = 0xc0000083;
    private static final int MSR_SFMASK = 0xc0000084;
    private static final long EFER_SCE = 1, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;
    private static final long CR0_PE = 1, CR0_MP = 2, CR0_ET = 1 << 4, CR0_NE = 1 << 5, CR0_WP = 1 << 16, CR0_PG = 1L << 31;
    private static final long CR4_PAE = 1 << 5, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10;
    /** Flags a user program may hold: CF PF AF ZF SF TF DF OF AC ID and IF forced on, IOPL forced to 0. */
    private static final long USER_FLAGS_MASK = 0x0001 | 0x0004 | 0x0010 | 0x0040 | 0x0080 | 0x0100 | 0x0400 | 0x0800
            | 0x40000 | 0x200000;
    private static final long FLAGS_FIXED = 0x202;

    private final Kvm kvm;
    private final VmFd vm;
    private final VcpuFd vcpu;
    private final Arena arena = Arena.ofShared();
    private final GuestMemory memory;
    private final FrameAllocator frames;
    /** Pairs (entry address, virtual address) made stricter since the program last ran. */
    private final List<long[]> pendingFlush = new ArrayList<>();
    private long cr3;
    private long exits;

    private Machine(long memoryBytes) {
        kvm = Kvm.open();
        try {
            vm = kvm.createVm();
            MemorySegment ram = Libc.mmap(memoryBytes, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0, arena);
            memory = new GuestMemory(List.of(new GuestRegion(0, ram)));
            vm.setUserMemoryRegion(0, 0, ram);
            frames = new FrameAllocator(memory);
            DescriptorTables.write(memory);
            EntryStub.write(memory);
            vcpu = vm.createVcpu(0);
            vcpu.setCpuid(userCpuid(kvm.supportedCpuid()));
            vcpu.setMsrs(List.of(
                    new MsrEntry(MSR_STAR, ((long) Selectors.USER_BASE << 48) | ((long) Selectors.KERNEL_CS << 32)),
                    new MsrEntry(MSR_LSTAR, EntryStub.syscallEntryVirtual()),
                    new MsrEntry(MSR_CSTAR, EntryStub.syscallEntryVirtual()),
                    new MsrEntry(MSR_SFMASK, 0x47700)));
            vcpu.setFpu(0x37f, 0x1f80);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A machine whose guest memory, kernel area included, is {@code memoryBytes} (a multiple of 4 KiB). */
    public static Machine create(long memoryBytes) {
        if (memoryBytes < 4 * KernelLayout.LARGE_PAGE_SIZE || memoryBytes > KernelLayout.MAX_MEMORY
                || memoryBytes % KernelLayout.LARGE_PAGE_SIZE != 0) {
            throw new IllegalArgumentException("sandbox memory must be a multiple of 2 MiB between 8 MiB and 2 GiB");
        }
        return new Machine(memoryBytes);
    }

    /** What KVM offers, minus XSAVE/AVX (we do not enable XCR0) so libc picks SSE2 code paths. */
    static List<CpuidEntry> userCpuid(List<CpuidEntry> supported) {
        List<CpuidEntry> out = new ArrayList<>();
        for (CpuidEntry e : supported) {
            if (e.function() == 1) {
                int ecx = e.ecx() & ~((1 << 26) | (1 << 27) | (1 << 28)); // XSAVE, OSXSAVE, AVX
                e = e.withRegisters(e.eax(), e.ebx(), ecx, e.edx());
            } else if (e.function() == 7 && e.index() == 0) {
                int ebx = e.ebx() & ~((1 << 5) | (1 << 16) | (1 << 17) | (1 << 28) | (1 << 30) | (1 << 31) | (1 << 21) | (1 << 26) | (1 << 27));
                e = e.withRegisters(e.eax(), ebx, e.ecx(), e.edx());
            } else if (e.function() == 0xd) {
                continue;
            }
            out.add(e);
        }
        return out;
    }

    public GuestMemory memory() {
        return memory;
    }

    public FrameAllocator frames() {
        return frames;
    }

    /** A fresh address-space page table with all guest memory mapped supervisor-only at {@link KernelLayout#KERNEL_BASE}. */
    public PageTable newPageTable() {
        PageTable table = new PageTable(memory, frames::allocate);
        for (long pa = 0; pa < KernelLayout.LARGE_PAGE_SIZE; pa += KernelLayout.PAGE_SIZE) {
            long flags = PageTable.WRITABLE;
            if (pa != KernelLayout.STUB) {
                flags |= PageTable.NO_EXECUTE;
            }
            table.map(KernelLayout.kernelVirtual(pa), pa, flags);
        }
        for (long pa = KernelLayout.LARGE_PAGE_SIZE; pa < memory.end(); pa += KernelLayout.LARGE_PAGE_SIZE) {
            table.mapLarge(KernelLayout.kernelVirtual(pa), pa, PageTable.WRITABLE | PageTable.NO_EXECUTE);
        }
        return table;
    }

    /** Sets up the vCPU to start the program at {@code rip} with stack {@code rsp} in {@code table}. */
    public void start(PageTable table, long rip, long rsp, long fsBase) {
        cr3 = table.root();
        SpecialRegisters.Builder b = vcpu.getSregs().toBuilder();
        Segment code = userCode();
        Segment data = userData();
        b.flatSegments(code, data);
        b.fs = withBase(data, fsBase);
        b.tr = new Segment(KernelLayout.kernelVirtual(KernelLayout.TSS), 0x67, Selectors.TSS, 0xb, true, 0,
                false, false, false, false, false, false);
        b.ldt = new Segment(0, 0xffff, 0, 2, true, 0, false, false, false, false, false, true);
        b.gdt = new DescriptorTable(KernelLayout.kernelVirtual(KernelLayout.GDT), DescriptorTables.gdtLimit());
        b.idt = new DescriptorTable(KernelLayout.kernelVirtual(KernelLayout.IDT), DescriptorTables.idtLimit());
        b.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
        b.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
        b.cr3 = cr3;
        b.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
        vcpu.setSregs(b.build());
        vcpu.setRegs(Regs.INITIAL.withRip(rip).withRsp(rsp).withRflags(FLAGS_FIXED));
    }

    private static Segment userCode() {
        return new Segment(0, 0xffffffff, Selectors.USER_CS, 0xb, true, 3, false, true, true, true, false, false);
    }

    private static Segment userData() {
        return new Segment(0, 0xffffffff, Selectors.USER_DS, 0x3, true, 3, true, true, false, true, false, false);
    }

    private static Segment kernelCode() {
        return new Segment(0, 0xffffffff, Selectors.KERNEL_CS, 0xb, true, 0, false, true, true, true, false, false);
    }

    private static Segment kernelData() {
        return new Segment(0, 0xffffffff, Selectors.KERNEL_DS, 0x3, true, 0, true, true, false, true, false, false);
    }

    private static Segment withBase(Segment s, long base) {
        return new Segment(base, s.limit(), s.selector(), s.type(), s.present(), s.dpl(), s.db(), s.s(), s.l(),
                s.g(), s.avl(), s.unusable());
    }

    /** Switches to another address space (fork and its end): loads CR3 and the FS base. */
    public void switchTo(PageTable table, long fsBase) {
        cr3 = table.root();
        SpecialRegisters s = vcpu.getSregs();
        SpecialRegisters.Builder b = s.toBuilder();
        b.cr3 = cr3;
        b.fs = withBase(s.fs(), fsBase);
        vcpu.setSregs(b.build());
    }

    /** Sets the FS base (TLS pointer) the program sees from now on. */
    public void setFsBase(long base) {
        SpecialRegisters s = vcpu.getSregs();
        SpecialRegisters.Builder b = s.toBuilder();
        b.fs = withBase(s.fs(), base);
        vcpu.setSregs(b.build());
    }

    public long fsBase() {
        return vcpu.getSregs().fs().base();
    }

    /**
     * Tells the machine that the leaf entry at guest-physical {@code entryAddress}, which maps
     * {@code va}, was made stricter or removed; the vCPU drops its translation before it runs again.
     */
    public void invalidate(long entryAddress, long va) {
        pendingFlush.add(new long[] {entryAddress, va & ~0xfffL});
    }

    /** Number of exits from the guest so far. */
    public long exits() {
        return exits;
    }

    /** Runs the program until its next trap. */
    public Trap next() {
        while (true) {
            VcpuExit exit = vcpu.run();
            exits++;
            switch (exit) {
                case VcpuExit.IoOut out when out.port() == EntryStub.SYSCALL_PORT -> {
                    return new Trap.Syscall(vcpu.getRegs());
                }
                case VcpuExit.IoOut out when EntryStub.vectorOfPort(out.port()) >= 0 -> {
                    return exception(EntryStub.vectorOfPort(out.port()));
                }
                case VcpuExit.Interrupted i -> {
                    // a host signal; just go on
                }
                case VcpuExit.Hlt h -> {
                    return new Trap.MachineFailure("the vCPU halted at rip " + hex(vcpu.getRegs().rip()));
                }
                case VcpuExit.Shutdown s -> {
                    return new Trap.MachineFailure("triple fault at rip " + hex(vcpu.getRegs().rip()));
                }
                case VcpuExit.InternalError e -> {
                    return new Trap.MachineFailure("KVM " + e.describe() + " at rip " + hex(vcpu.getRegs().rip()));
                }
                case VcpuExit.FailEntry f -> {
                    return new Trap.MachineFailure("KVM could not enter the guest (reason 0x" + Long.toHexString(f.hardwareReason()) + ")");
                }
                default -> {
                    return new Trap.MachineFailure("unexpected exit " + exit + " at rip " + hex(vcpu.getRegs().rip()));
                }
            }
        }
    }

    private Trap exception(int vector) {
        long top = KernelLayout.KERNEL_STACK_TOP;
        long ss = memory.readU64(top - 8);
        long rsp = memory.readU64(top - 16);
        long rflags = memory.readU64(top - 24);
        long cs = memory.readU64(top - 32);
        long rip = memory.readU64(top - 40);
        long error = EntryStub.hasErrorCode(vector) ? memory.readU64(top - 48) : 0;
        if (vector == Vectors.PAGE_FAULT && rip == EntryStub.syscallEntryVirtual() && (cs & 0xffff) == Selectors.USER_CS) {
            // A KVM that emulates kernel mode (kvm_pvm) fetches the LSTAR target with user privilege:
            // the supervisor-only stub page faults, and that fault is the system call.
            return new Trap.Syscall(vcpu.getRegs().withRsp(rsp));
        }
        if ((cs & 0xffff) != Selectors.USER_CS) {
            return new Trap.MachineFailure(Vectors.name(vector) + " in kernel mode at rip " + hex(rip) + " (cs " + hex(cs) + ")");
        }
        long cr2 = vector == Vectors.PAGE_FAULT ? vcpu.getSregs().cr2() : 0;
        Regs regs = vcpu.getRegs().withRip(rip).withRsp(rsp).withRflags(rflags);
        return new Trap.Exception(vector, error, cr2, regs);
    }

    /** Returns from a system call: RAX = {@code result}, RIP = RCX, RFLAGS = R11 (what SYSRET would do). */
    public void resumeFromSyscall(Regs regs, long result) {
        flushPending();
        enterUserSegments(regs.withRax(result).withRip(regs.rcx()).withRflags(userFlags(regs.r11())));
    }

    /** Returns to user mode with {@code regs} (RIP/RSP/RFLAGS included) after an exception. */
    public void resumeFromException(Regs regs) {
        flushPending();
        enterUserSegments(regs.withRflags(userFlags(regs.rflags())));
    }

    private void enterUserSegments(Regs regs) {
        vcpu.setRegs(regs);
        SpecialRegisters s = vcpu.getSregs();
        if (s.cs().selector() != Selectors.USER_CS || s.ss().selector() != Selectors.USER_DS) {
            SpecialRegisters.Builder b = s.toBuilder();
            b.cs = userCode();
            b.ss = userData();
            vcpu.setSregs(b.build());
        }
    }

    private static long userFlags(long flags) {
        return (flags & USER_FLAGS_MASK) | FLAGS_FIXED;
    }

    /** Runs the flush stub over the pending entries, a list page at a time; returns whether it ran. */
    private boolean flushPending() {
        if (pendingFlush.isEmpty()) {
            return false;
        }
        SpecialRegisters.Builder b = vcpu.getSregs().toBuilder();
        b.cs = kernelCode();
        b.ss = kernelData();
        vcpu.setSregs(b.build());
        for (int from = 0; from < pendingFlush.size(); from += KernelLayout.FLUSH_LIST_CAPACITY) {
            int count = Math.min(KernelLayout.FLUSH_LIST_CAPACITY, pendingFlush.size() - from);
            for (int i = 0; i < count; i++) {
                long[] p = pendingFlush.get(from + i);
                long slot = KernelLayout.FLUSH_LIST + i * 24L;
                memory.writeU64(slot, KernelLayout.kernelVirtual(p[0]));
                memory.writeU64(slot + 8, memory.readU64(p[0]));
                memory.writeU64(slot + 16, p[1]);
            }
            vcpu.setRegs(Regs.INITIAL.withRip(EntryStub.flushEntryVirtual())
                    .withRsp(KernelLayout.kernelVirtual(KernelLayout.KERNEL_STACK_TOP))
                    .withRsi(KernelLayout.kernelVirtual(KernelLayout.FLUSH_LIST))
                    .withRcx(count));
            runUntilFlushed();
        }
        pendingFlush.clear();
        return true;
    }

    private void runUntilFlushed() {
        while (true) {
            VcpuExit exit = vcpu.run();
            exits++;
            if (exit instanceof VcpuExit.IoOut out && out.port() == EntryStub.FLUSH_DONE_PORT) {
                return;
            }
            if (!(exit instanceof VcpuExit.Interrupted)) {
                throw new IllegalStateException("TLB flush stub failed: " + exit + " at rip 0x" + Long.toHexString(vcpu.getRegs().rip()));
            }
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public void close() {
        if (vcpu != null) {
            vcpu.close();
        }
        if (vm != null) {
            vm.close();
        }
        arena.close();
        kvm.close();
    }
}
