package dev.kapsel.sandbox.machine;

import dev.kapsel.arch.x86.FpuState;
import dev.kapsel.arch.x86.Segments;
import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.Segment;
import dev.kapsel.kvm.Regs;
import dev.kapsel.kvm.SpecialRegisters;
import dev.kapsel.kvm.VcpuExit;
import dev.kapsel.kvm.VcpuFd;
import dev.kapsel.memory.GuestMemory;
import java.util.List;

/**
 * One vCPU of the sandbox machine with its own per-CPU area: a TSS whose RSP0 points to a private
 * kernel stack (so exceptions on several vCPUs at once do not overwrite each other's frames) and a
 * private TLB-flush list. {@link #next()} runs the user program until it traps; {@link
 * #resumeFromSyscall} and {@link #resumeFromException} return to it. A vCPU must be driven by one
 * thread for its whole life: KVM makes a vCPU that changes threads wait for an RCU grace period.
 */
public final class Cpu {
    static final long FLAGS_FIXED = 0x202;
    /** Flags a user program may hold: CF PF AF ZF SF TF DF OF AC ID and IF forced on, IOPL forced to 0. */
    private static final long USER_FLAGS_MASK = 0x0001 | 0x0004 | 0x0010 | 0x0040 | 0x0080 | 0x0100 | 0x0400 | 0x0800
            | 0x40000 | 0x200000;
    private static final int TSS_SIZE = 0x68;

    private final VcpuFd vcpu;
    private final GuestMemory memory;
    /** Guest-physical page holding the TSS at its start; the kernel stack grows down from its end. */
    private final long tssPage;
    private final long flushPage;
    private long exits;
    /** CR3 of the address space this vCPU last ran: its TLB may hold that space's translations. */
    private volatile long loadedRoot = -1;
    /** Between the kernel's release of the vCPU to user mode and its return to the kernel. */
    private volatile boolean inUser;
    /** Another vCPU made translations of {@link #loadedRoot} stricter: flush before running it again. */
    private volatile boolean tlbStale;
    private long shootdownFlushes;

    Cpu(VcpuFd vcpu, GuestMemory memory, long tssPage, long flushPage) {
        this.vcpu = vcpu;
        this.memory = memory;
        this.tssPage = tssPage;
        this.flushPage = flushPage;
        memory.fill(tssPage, TSS_SIZE, (byte) 0);
        memory.writeU64(tssPage + 4, KernelLayout.kernelVirtual(stackTop()));
        memory.writeU16(tssPage + 0x66, (int) TSS_SIZE); // I/O map base beyond the limit: no bitmap
    }

    public int id() {
        return vcpu.id();
    }

    private long stackTop() {
        return tssPage + KernelLayout.PAGE_SIZE;
    }

    /** Sets up the vCPU to start a program at {@code rip} with stack {@code rsp} in {@code table}; resets the FPU. */
    public void start(PageTable table, long rip, long rsp, long fsBase) {
        SpecialRegisters.Builder b = vcpu.getSregs().toBuilder();
        Segment data = userData();
        b.flatSegments(userCode(), data);
        b.fs = data.withBase(fsBase);
        b.tr = Segments.tss(KernelLayout.kernelVirtual(tssPage), TSS_SIZE - 1, Selectors.TSS);
        b.ldt = Segments.UNUSABLE_LDT;
        b.gdt = new DescriptorTable(KernelLayout.kernelVirtual(KernelLayout.GDT), DescriptorTables.gdtLimit());
        b.idt = new DescriptorTable(KernelLayout.kernelVirtual(KernelLayout.IDT), DescriptorTables.idtLimit());
        b.cr0 = Machine.CR0;
        b.cr4 = Machine.CR4;
        b.cr3 = table.root();
        if (table.root() != loadedRoot) {
            // KVM flushes the vCPU's TLB when KVM_SET_SREGS changes CR3 (kvm_mmu_load on the next
            // entry); the same CR3 again keeps what the TLB holds, so a pending shootdown stays due
            loadedRoot = table.root();
            tlbStale = false;
        }
        b.efer = Machine.EFER;
        vcpu.setSregs(b.build());
        vcpu.setFpu(FpuState.FCW_DEFAULT, FpuState.MXCSR_DEFAULT);
        vcpu.setRegs(Regs.INITIAL.withRip(rip).withRsp(rsp).withRflags(FLAGS_FIXED));
    }

    static Segment userCode() {
        return Segments.flatCode(Selectors.USER_CS);
    }

    static Segment userData() {
        return Segments.flatData(Selectors.USER_DS);
    }

    private static Segment kernelCode() {
        return Segments.flatCode(Selectors.KERNEL_CS);
    }

    private static Segment kernelData() {
        return Segments.flatData(Selectors.KERNEL_DS);
    }

    /** Sets the FS base (TLS pointer) the program sees from now on. */
    public void setFsBase(long base) {
        SpecialRegisters s = vcpu.getSregs();
        SpecialRegisters.Builder b = s.toBuilder();
        b.fs = s.fs().withBase(base);
        vcpu.setSregs(b.build());
    }

    public long fsBase() {
        return vcpu.getSregs().fs().base();
    }

    /** Number of exits from the guest on this vCPU so far. */
    public long exits() {
        return exits;
    }

    /** Runs the program until its next trap. A host signal to this thread ends the run with {@link Trap.Interrupted}. */
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
                    vcpu.kicker().acknowledge();
                    return new Trap.Interrupted(vcpu.getRegs());
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
        long top = stackTop();
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
            return new Trap.MachineFailure(Vectors.name(vector) + " in kernel mode at rip " + hex(rip) + " (cs " + hex(cs) + ", ss " + hex(ss) + ")");
        }
        long cr2 = vector == Vectors.PAGE_FAULT ? vcpu.getSregs().cr2() : 0;
        Regs regs = vcpu.getRegs().withRip(rip).withRsp(rsp).withRflags(rflags);
        return new Trap.Exception(vector, error, cr2, regs);
    }

    /** Returns from a system call: RAX = {@code result}, RIP = RCX, RFLAGS = R11 (what SYSRET would do). */
    public void resumeFromSyscall(Regs regs, long result) {
        enterUser(regs.withRax(result).withRip(regs.rcx()).withRflags(regs.r11()));
    }

    /** Returns to user mode with exactly {@code regs} (RIP/RSP/RFLAGS included; flags are sanitised). */
    public void enterUser(Regs regs) {
        vcpu.setRegs(regs.withRflags(userFlags(regs.rflags())));
        SpecialRegisters s = vcpu.getSregs();
        if (s.cs().selector() != Selectors.USER_CS || s.ss().selector() != Selectors.USER_DS) {
            SpecialRegisters.Builder b = s.toBuilder();
            b.cs = userCode();
            b.ss = userData();
            vcpu.setSregs(b.build());
        }
    }

    /** Returns to user mode with {@code regs} after an exception. */
    public void resumeFromException(Regs regs) {
        enterUser(regs);
    }

    /** The user registers as they are now (between a trap and the next entry). */
    public Regs regs() {
        return vcpu.getRegs();
    }

    static long userFlags(long flags) {
        return (flags & USER_FLAGS_MASK) | FLAGS_FIXED;
    }

    /**
     * Runs the flush stub over {@code entries}, a list page at a time, then restores the registers it found. The entries' current
     * values are rewritten from inside the guest, which is what makes a shadow-paging KVM drop its
     * translation; {@code invlpg} then clears this vCPU's TLB.
     */
    public void flush(List<Invalidation> entries) {
        int capacity = (int) (KernelLayout.PAGE_SIZE / 24);
        for (int from = 0; from < entries.size(); from += capacity) {
            int count = Math.min(capacity, entries.size() - from);
            for (int i = 0; i < count; i++) {
                Invalidation p = entries.get(from + i);
                long slot = flushPage + i * 24L;
                memory.writeU64(slot, KernelLayout.kernelVirtual(p.entryAddress()));
                memory.writeU64(slot + 8, memory.readU64(p.entryAddress()));
                memory.writeU64(slot + 16, p.va());
            }
            runStub(EntryStub.flushEntryVirtual(), KernelLayout.kernelVirtual(flushPage), count);
        }
    }

    /** CR3 of the address space this vCPU last ran (-1 before the first). */
    public long loadedRoot() {
        return loadedRoot;
    }

    /** Is the program running (or about to run) on this vCPU, outside the kernel? */
    public boolean inUser() {
        return inUser;
    }

    /** Set by the task's thread, under the kernel lock, around each run of the program. */
    public void setInUser(boolean running) {
        inUser = running;
    }

    /** A shootdown's mark: the TLB may hold translations made stricter; {@link #flushIfStale} before the next run. */
    public void markTlbStale() {
        tlbStale = true;
    }

    public boolean tlbStale() {
        return tlbStale;
    }

    /** How many shootdowns this vCPU has taken (reloaded CR3 for). */
    public long shootdownFlushes() {
        return shootdownFlushes;
    }

    /**
     * On this vCPU's thread: if a shootdown marked it, reloads CR3 inside the guest so its TLB
     * forgets every translation; the entries are not rewritten (the initiating vCPU did that).
     */
    public void flushIfStale() {
        if (!tlbStale) {
            return;
        }
        runStub(EntryStub.reloadEntryVirtual(), 0, 0);
        tlbStale = false;
        shootdownFlushes++;
    }

    /** Runs one stub entry at CPL0 until it reports done, then puts back the user registers it found. */
    private void runStub(long entry, long rsi, long rcx) {
        Regs saved = vcpu.getRegs();
        SpecialRegisters.Builder b = vcpu.getSregs().toBuilder();
        b.cs = kernelCode();
        b.ss = kernelData();
        vcpu.setSregs(b.build());
        vcpu.setRegs(Regs.INITIAL.withRip(entry).withRsp(KernelLayout.kernelVirtual(stackTop())).withRsi(rsi).withRcx(rcx));
        runUntilFlushed();
        b = vcpu.getSregs().toBuilder();
        b.cs = userCode();
        b.ss = userData();
        vcpu.setSregs(b.build());
        vcpu.setRegs(saved);
    }

    /**
     * Runs the stub until it reports done. A kick that arrives meanwhile (a signal for the task)
     * is acknowledged to let the stub finish, then re-armed so the program's next run returns at once.
     */
    private void runUntilFlushed() {
        boolean kicked = false;
        while (true) {
            VcpuExit exit = vcpu.run();
            exits++;
            if (exit instanceof VcpuExit.IoOut out && out.port() == EntryStub.FLUSH_DONE_PORT) {
                if (kicked) {
                    vcpu.setImmediateExit(true);
                }
                return;
            }
            if (!(exit instanceof VcpuExit.Interrupted)) {
                throw new IllegalStateException("TLB flush stub failed: " + exit + " at rip 0x" + Long.toHexString(vcpu.getRegs().rip()));
            }
            vcpu.kicker().acknowledge();
            kicked = true;
        }
    }

    /**
     * Makes the vCPU leave the guest: the current run (kicked out of KVM_RUN, see {@link
     * dev.kapsel.kvm.VcpuKicker}) or the next one returns {@link Trap.Interrupted}.
     */
    public void requestExit() {
        vcpu.kicker().kick();
    }

    /** Called on the thread that drives this vCPU, before its first run, so {@link #requestExit} can reach it inside KVM_RUN. */
    public void bindToCurrentThread() {
        vcpu.kicker().bindCurrentThread();
    }

    /** Called on that thread when it stops driving the vCPU. */
    public void unbindFromCurrentThread() {
        vcpu.kicker().unbind();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    void close() {
        vcpu.close();
    }
}
