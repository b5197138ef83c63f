package dev.kapsel.sandbox.machine;

import dev.kapsel.arch.x86.PageTableEntry;
import dev.kapsel.memory.GuestMemory;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A 4-level x86-64 page table (PML4, PDPT, PD, PT) kept in guest-physical memory and changed only
 * by the Java kernel. Maps 4 KiB pages; intermediate tables are allowed everything (present,
 * writable, user) so the leaf entry alone decides. Tables come from {@code tableAllocator}, which
 * must return zeroed, page-aligned guest-physical frames. A leaf table left empty can be unlinked
 * ({@link #unlinkIfEmpty}); {@link #forEachTable} lists every table for freeing the whole tree.
 * Changing a present entry does not reach the vCPU's TLB: callers collect the addresses and flush.
 */
public final class PageTable {
    // the hardware bits, under the names the sandbox's mm uses
    public static final long PRESENT = PageTableEntry.PRESENT;
    public static final long WRITABLE = PageTableEntry.WRITABLE;
    public static final long USER = PageTableEntry.USER;
    public static final long ACCESSED = PageTableEntry.ACCESSED;
    public static final long DIRTY = PageTableEntry.DIRTY;
    public static final long LARGE = PageTableEntry.PAGE_SIZE;
    /** Software bit (ignored by the CPU): a not-present entry that keeps its frame (PROT_NONE). */
    public static final long HIDDEN = 1L << 9;
    public static final long NO_EXECUTE = PageTableEntry.NO_EXECUTE;
    public static final long ADDRESS_MASK = PageTableEntry.ADDRESS_MASK;
    private static final long TABLE_FLAGS = PRESENT | WRITABLE | USER;

    private final GuestMemory memory;
    private final LongSupplier tableAllocator;
    private final long root;

    public PageTable(GuestMemory memory, LongSupplier tableAllocator) {
        this.memory = memory;
        this.tableAllocator = tableAllocator;
        this.root = tableAllocator.getAsLong();
    }

    /** Guest-physical address of the PML4: the value for CR3. */
    public long root() {
        return root;
    }

    private static int index(long va, int level) {
        return (int) ((va >>> (12 + 9 * level)) & 0x1ff);
    }

    /** Physical address of the leaf entry for {@code va}; creates tables on the way if {@code create}. -1 if absent. */
    private long leafEntry(long va, boolean create) {
        long table = root;
        for (int level = 3; level >= 1; level--) {
            long entryAddress = table + index(va, level) * 8L;
            long entry = memory.readU64(entryAddress);
            if ((entry & PRESENT) == 0) {
                if (!create) {
                    return -1;
                }
                long next = tableAllocator.getAsLong();
                memory.writeU64(entryAddress, next | TABLE_FLAGS);
                table = next;
            } else {
                table = entry & ADDRESS_MASK;
            }
        }
        return table + index(va, 0) * 8L;
    }

    /** Maps the page at {@code va} to {@code frame} with {@code flags} (PRESENT is added). Returns the previous entry. */
    public long map(long va, long frame, long flags) {
        long entry = leafEntry(va, true);
        long old = memory.readU64(entry);
        memory.writeU64(entry, (frame & ADDRESS_MASK) | flags | PRESENT);
        return old;
    }

    /** Maps the 2 MiB page at {@code va} (aligned) to {@code frame} with {@code flags}; for the kernel's direct map. */
    public void mapLarge(long va, long frame, long flags) {
        long table = root;
        for (int level = 3; level >= 2; level--) {
            long entryAddress = table + index(va, level) * 8L;
            long entry = memory.readU64(entryAddress);
            if ((entry & PRESENT) == 0) {
                long next = tableAllocator.getAsLong();
                memory.writeU64(entryAddress, next | TABLE_FLAGS);
                table = next;
            } else {
                table = entry & ADDRESS_MASK;
            }
        }
        memory.writeU64(table + index(va, 1) * 8L, (frame & ADDRESS_MASK) | flags | LARGE | PRESENT);
    }

    /** Guest-physical address of the leaf entry of {@code va}, or -1 if no table holds one. */
    public long entryAddress(long va) {
        return leafEntry(va, false);
    }

    /** The leaf entry for {@code va}, or 0 when nothing maps it. */
    public long lookup(long va) {
        long entry = leafEntry(va, false);
        return entry < 0 ? 0 : memory.readU64(entry);
    }

    /** Removes the mapping of {@code va}. Returns the previous entry (0 if there was none). */
    public long unmap(long va) {
        long entry = leafEntry(va, false);
        if (entry < 0) {
            return 0;
        }
        long old = memory.readU64(entry);
        memory.writeU64(entry, 0);
        return old;
    }

    /** Replaces the permission bits of a present mapping, keeping its frame. Returns the previous entry. */
    public long protect(long va, long flags) {
        long entry = leafEntry(va, false);
        if (entry < 0) {
            return 0;
        }
        long old = memory.readU64(entry);
        if ((old & PRESENT) != 0) {
            memory.writeU64(entry, (old & ADDRESS_MASK) | flags | PRESENT);
        }
        return old;
    }

    /** Makes a mapping not present while keeping its frame (PROT_NONE). Returns the previous entry. */
    public long hide(long va) {
        long entry = leafEntry(va, false);
        if (entry < 0) {
            return 0;
        }
        long old = memory.readU64(entry);
        if ((old & (PRESENT | HIDDEN)) != 0) {
            memory.writeU64(entry, (old & ADDRESS_MASK) | HIDDEN);
        }
        return old;
    }

    /** Does the entry hold a frame (present, or hidden by PROT_NONE)? */
    public static boolean hasFrame(long entry) {
        return (entry & (PRESENT | HIDDEN)) != 0;
    }

    /** A leaf table (the page of 512 4 KiB entries) and the directory entry that points to it. */
    public record LeafTable(long directoryEntry, long frame) {}

    /**
     * If the leaf table covering the 2 MiB around {@code va} holds no entry, clears the directory
     * entry that points to it (host side only: the caller invalidates {@code directoryEntry} and
     * frees the frame once every vCPU has flushed) and returns it; otherwise null.
     */
    public LeafTable unlinkIfEmpty(long va) {
        long table = root;
        for (int level = 3; level >= 2; level--) {
            long entry = memory.readU64(table + index(va, level) * 8L);
            if ((entry & PRESENT) == 0) {
                return null;
            }
            table = entry & ADDRESS_MASK;
        }
        long directoryEntry = table + index(va, 1) * 8L;
        long entry = memory.readU64(directoryEntry);
        if ((entry & PRESENT) == 0 || (entry & LARGE) != 0) {
            return null;
        }
        long leaf = entry & ADDRESS_MASK;
        for (int i = 0; i < 512; i++) {
            if (memory.readU64(leaf + i * 8L) != 0) {
                return null;
            }
        }
        memory.writeU64(directoryEntry, 0);
        return new LeafTable(directoryEntry, leaf);
    }

    /** Calls {@code action} with the frame of every table of the tree, the root last. */
    public void forEachTable(LongConsumer action) {
        forEachTable(root, 3, action);
    }

    private void forEachTable(long table, int level, LongConsumer action) {
        if (level > 0) {
            for (int i = 0; i < 512; i++) {
                long entry = memory.readU64(table + i * 8L);
                if ((entry & PRESENT) != 0 && (entry & LARGE) == 0) {
                    forEachTable(entry & ADDRESS_MASK, level - 1, action);
                }
            }
        }
        action.accept(table);
    }

    /** Translates {@code va} to a guest-physical address, or -1 if not mapped. */
    public long translate(long va) {
        long pte = lookup(va);
        if ((pte & PRESENT) == 0) {
            return -1;
        }
        return (pte & ADDRESS_MASK) | (va & 0xfff);
    }
}
