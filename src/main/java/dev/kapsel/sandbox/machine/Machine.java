package dev.kapsel.sandbox.machine;

import dev.kapsel.arch.x86.BootMsrs;
import dev.kapsel.arch.x86.ControlRegisters;
import dev.kapsel.arch.x86.CpuidFilter;
import dev.kapsel.arch.x86.FpuState;
import dev.kapsel.kvm.CpuidEntry;
import dev.kapsel.kvm.DescriptorTable;
import dev.kapsel.kvm.Kvm;
import dev.kapsel.kvm.Segment;
import dev.kapsel.kvm.MsrEntry;
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
 * A KVM virtual machine that runs programs at CPL3 and nothing else: guest memory, the frame
 * allocator, descriptor tables and the {@link EntryStub}, shared by all the sandbox's address
 * spaces, and its vCPUs ({@link Cpu}), created on demand by {@link #newCpu()} up to a limit.
 */
public final class Machine implements AutoCloseable {
    static final long EFER = ControlRegisters.EFER_SCE | ControlRegisters.EFER_LME | ControlRegisters.EFER_LMA
            | ControlRegisters.EFER_NXE;
    static final long CR0 = ControlRegisters.CR0_PE | ControlRegisters.CR0_MP | ControlRegisters.CR0_ET
            | ControlRegisters.CR0_NE | ControlRegisters.CR0_WP | ControlRegisters.CR0_PG;
    static final long CR4 = ControlRegisters.CR4_PAE | ControlRegisters.CR4_OSFXSR | ControlRegisters.CR4_OSXMMEXCPT;
    /** RFLAGS bits SYSCALL clears on entry: TF, DF, IF, IOPL, NT, AC (as Linux's X86_EFLAGS mask). */
    private static final long SYSCALL_CLEARS_FLAGS = 0x47700;
    /** Most vCPUs one sandbox creates. */
    public static final int MAX_CPUS = 64;

    private final Kvm kvm;
    private final VmFd vm;
    private final Arena arena = Arena.ofShared();
    private final GuestMemory memory;
    private final FrameAllocator frames;
    private final List<CpuidEntry> cpuid;
    private final List<Cpu> cpus = new ArrayList<>();
    private final List<VcpuFd> vcpus = new ArrayList<>();

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
            cpuid = CpuidFilter.withoutXsave(kvm.supportedCpuid()); // XCR0 stays unset
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

    /**
     * A new vCPU with its per-CPU area, or {@link OutOfCpusException} past {@link #MAX_CPUS}. The
     * caller must drive it from one thread only.
     */
    public synchronized Cpu newCpu() {
        if (cpus.size() >= MAX_CPUS) {
            throw new OutOfCpusException(MAX_CPUS);
        }
        VcpuFd vcpu = vm.createVcpu(cpus.size());
        vcpus.add(vcpu);
        vcpu.setCpuid(cpuid);
        vcpu.setMsrs(List.of(
                new MsrEntry(BootMsrs.STAR, ((long) Selectors.USER_BASE << 48) | ((long) Selectors.KERNEL_CS << 32)),
                new MsrEntry(BootMsrs.LSTAR, EntryStub.syscallEntryVirtual()),
                new MsrEntry(BootMsrs.CSTAR, EntryStub.syscallEntryVirtual()),
                new MsrEntry(BootMsrs.SYSCALL_MASK, SYSCALL_CLEARS_FLAGS)));
        vcpu.setFpu(FpuState.FCW_DEFAULT, FpuState.MXCSR_DEFAULT);
        long tss, flush;
        synchronized (frames) {
            tss = frames.allocate();
            flush = frames.allocate();
        }
        Cpu cpu = new Cpu(vcpu, memory, tss, flush);
        cpus.add(cpu);
        return cpu;
    }

    public GuestMemory memory() {
        return memory;
    }

    public FrameAllocator frames() {
        return frames;
    }

    /** A fresh address-space page table with all guest memory mapped supervisor-only at {@link KernelLayout#KERNEL_BASE}. */
    public PageTable newPageTable() {
        return newPageTable(memory, frames);
    }

    /** As {@link #newPageTable()} over any guest memory and its allocator (tests of the address space use no KVM). */
    public static PageTable newPageTable(GuestMemory memory, FrameAllocator frames) {
        PageTable table = new PageTable(memory, frames::allocateTable);
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

    /** The vCPUs created so far. */
    public synchronized List<Cpu> cpus() {
        return List.copyOf(cpus);
    }

    /** Exits from the guest on all vCPUs so far. */
    public synchronized long exits() {
        long n = 0;
        for (Cpu c : cpus) {
            n += c.exits();
        }
        return n;
    }

    @Override
    public void close() {
        for (VcpuFd v : vcpus) {
            v.close();
        }
        if (vm != null) {
            vm.close();
        }
        arena.close();
        kvm.close();
    }
}
