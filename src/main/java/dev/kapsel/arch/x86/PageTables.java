package dev.kapsel.arch.x86;

import static dev.kapsel.arch.x86.PageTableEntry.PAGE_SIZE;
import static dev.kapsel.arch.x86.PageTableEntry.PRESENT;
import static dev.kapsel.arch.x86.PageTableEntry.WRITABLE;

import dev.kapsel.memory.GuestMemory;

/**
 * The boot identity map: one PML4 entry to one PDPT entry to a page directory of 512 2 MiB pages,
 * mapping guest-virtual = guest-physical for the first GiB. Linux's startup_64 replaces it early.
 */
public final class PageTables {
    private PageTables() {}

    public static final long HUGE_PAGE = 2L << 20;
    public static final int ENTRIES = 512;

    /** Writes PML4, PDPT and PD at {@link Layout#PML4}, {@link Layout#PDPT}, {@link Layout#PD}. */
    public static void writeIdentityMap(GuestMemory memory) {
        memory.fill(Layout.PML4, 4096, (byte) 0);
        memory.fill(Layout.PDPT, 4096, (byte) 0);
        memory.writeU64(Layout.PML4, Layout.PDPT | PRESENT | WRITABLE);
        memory.writeU64(Layout.PDPT, Layout.PD | PRESENT | WRITABLE);
        for (int i = 0; i < ENTRIES; i++) {
            memory.writeU64(Layout.PD + 8L * i, (i * HUGE_PAGE) | PRESENT | WRITABLE | PAGE_SIZE);
        }
    }
}
