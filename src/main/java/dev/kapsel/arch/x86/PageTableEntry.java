package dev.kapsel.arch.x86;

/**
 * The hardware bits of an x86-64 paging-structure entry (Intel SDM vol. 3, 4.5), shared by the boot
 * identity map ({@link PageTables}) and the sandbox's page tables.
 */
public final class PageTableEntry {
    private PageTableEntry() {}

    public static final long PRESENT = 1L;
    public static final long WRITABLE = 1L << 1;
    /** CPL3 may access. */
    public static final long USER = 1L << 2;
    public static final long ACCESSED = 1L << 5;
    public static final long DIRTY = 1L << 6;
    /** PS in a PDPT or PD entry: the entry maps a 1 GiB or 2 MiB page, not a table. */
    public static final long PAGE_SIZE = 1L << 7;
    /** XD: no instruction fetch (needs EFER.NXE). */
    public static final long NO_EXECUTE = 1L << 63;
    /** The physical address bits of an entry (52-bit physical addresses, 4 KiB aligned). */
    public static final long ADDRESS_MASK = 0x000f_ffff_ffff_f000L;
}
