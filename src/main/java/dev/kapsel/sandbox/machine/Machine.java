package dev.kapsel.sandbox.machine;

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
    private static final int MSR_STAR = 0xc0000081;
    private static final int MSR_LSTAR = 0xc0000082;
    private static final int MSR_CSTAR = 0xc0000083;
    private static final int MSR_SFMASK = 0xc0000084;
    private static final long EFER_SCE = 1, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;
    private static final long CR0_PE = 1, CR0_MP = 2, CR0_ET = 1 << 4, CR0_NE = 1 << 5, CR0_WP = 1 << 16, CR0_PG = 1L << 31;
    private static final long CR4_PAE = 1 << 5, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10;
    static final long EFER = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    static final long CR0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    static final long CR4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
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
            cpuid = userCpuid(kvm.supportedCpuid());
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
                new MsrEntry(MSR_STAR, ((long) Selectors.USER_BASE << 48) | ((long) Selectors.KERNEL_CS << 32)),
                new MsrEntry(MSR_LSTAR, EntryStub.syscallEntryVirtual()),
                new MsrEntry(MSR_CSTAR, EntryStub.syscallEntryVirtual()),
                new MsrEntry(MSR_SFMASK, 0x47700)));
        vcpu.setFpu(0x37f, 0x1f80);
        long tss, flush;
        synchronized (frames) {
            tss = frames.allocate();
            flush = frames.allocate();
        }
        Cpu cpu = new Cpu(vcpu, memory, tss, flush);
        cpus.add(cpu);
        return cpu;
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
