package dev.kapsel.sandbox.machine;

/**
 * Where the sandbox machine keeps its own structures. The first {@link #KERNEL_AREA_SIZE} bytes of
 * guest-physical memory hold the GDT and TSS, the IDT, the entry stub, the TLB-flush list and the
 * kernel stack; they are mapped supervisor-only at {@link #KERNEL_BASE} in every address space.
 * Page tables and user frames come after {@link #FRAMES_START}.
 */
public final class KernelLayout {
    private KernelLayout() {}

    public static final long PAGE_SIZE = 4096;
    /** Supervisor-only virtual address of physical 0 (top 2 GiB, as Linux's kernel text). */
    public static final long KERNEL_BASE = 0xffff_ffff_8000_0000L;

    public static final long GDT = 0x1000;
    /** The 64-bit TSS lives in the GDT page, after the descriptors. */
    public static final long TSS = 0x1800;
    public static final long IDT = 0x2000;
    public static final long STUB = 0x3000;
    /** Triples (entry address, value, virtual address) the flush stub processes, a page's worth per run. */
    public static final long FLUSH_LIST = 0x4000;
    public static final int FLUSH_LIST_CAPACITY = 170;
    public static final long KERNEL_STACK_BOTTOM = 0x5000;
    public static final long KERNEL_STACK_TOP = 0x8000;
    public static final long KERNEL_AREA_SIZE = 0x10000;
    public static final long FRAMES_START = KERNEL_AREA_SIZE;

    /** Highest user address plus one (47-bit canonical lower half, minus the guard page Linux keeps). */
    public static final long USER_END = 0x7fff_ffff_f000L;
    /** Lowest address a user mapping may have (Linux's default vm.mmap_min_addr). */
    public static final long USER_START = 0x10000;

    /** Largest guest memory: the direct map at {@link #KERNEL_BASE} covers 2 GiB. */
    public static final long MAX_MEMORY = 1L << 31;
    public static final long LARGE_PAGE_SIZE = 1L << 21;

    public static long kernelVirtual(long physical) {
        return KERNEL_BASE + physical;
    }
}
