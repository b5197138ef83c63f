package dev.kapsel.sandbox.mm;

import static dev.kapsel.sandbox.machine.KernelLayout.PAGE_SIZE;
import static dev.kapsel.sandbox.machine.KernelLayout.USER_END;
import static dev.kapsel.sandbox.machine.KernelLayout.USER_START;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.sandbox.machine.FrameAllocator;
import dev.kapsel.sandbox.machine.Invalidation;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.machine.OutOfFramesException;
import dev.kapsel.sandbox.machine.PageTable;
import dev.kapsel.sys.Errno;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A program's virtual address space: its areas ({@link Vma}), the page table that maps the pages
 * touched so far, and the program break. Pages are populated on demand ({@link #handleFault}).
 * A change that makes a present translation stricter does not free anything at once: the
 * translation and the frames (pages and emptied leaf tables) it released wait in {@link Changes}
 * until the kernel's TLB shootdown has made every vCPU running this space forget them; only then
 * does {@link #free(Changes)} give the frames back. All arguments come from the guest and are
 * checked here.
 */
public final class AddressSpace {
    public static final long STACK_TOP = 0x7fff_ffff_e000L;
    public static final long STACK_SIZE = 8L << 20;
    public static final long MMAP_TOP = 0x7f00_0000_0000L;
    private static final int MAX_AREAS = 65530;
    private static final int FAULT_AROUND_PAGES = 16;

    private final GuestMemory memory;
    private final FrameAllocator frames;
    private final Supplier<PageTable> tables;
    private final PageTable table;
    private final TreeMap<Long, Vma> areas = new TreeMap<>();
    private long brkStart;
    private long brk;
    private long faults;

    public AddressSpace(Machine machine) {
        this(machine.memory(), machine.frames(), machine::newPageTable);
    }

    /** An address space over {@code memory} whose page tables come from {@code tables} (tests use no KVM). */
    public AddressSpace(GuestMemory memory, FrameAllocator frames, Supplier<PageTable> tables) {
        this.memory = memory;
        this.frames = frames;
        this.tables = tables;
        this.table = tables.get();
    }

    /**
     * What a change released and the vCPUs must forget before it is reused: the translations made
     * stricter, the private data frames no longer mapped, the leaf page-table pages unlinked and the
     * entries that mapped pages of a shared file (whose frames go when their last entry goes).
     */
    public record Changes(List<Invalidation> invalidations, List<Long> frames, List<Long> tables, List<SharedEntry> shared) {
        public boolean isEmpty() {
            return invalidations.isEmpty() && frames.isEmpty() && tables.isEmpty() && shared.isEmpty();
        }
    }

    /** A page-table entry that mapped page {@code index} of a shared file's cache. */
    public record SharedEntry(SharedPages pages, long index) {}

    private List<Invalidation> invalidations = new ArrayList<>();
    private List<Long> releasedFrames = new ArrayList<>();
    private List<Long> releasedTables = new ArrayList<>();
    private List<SharedEntry> releasedShared = new ArrayList<>();

    private void invalidate(long entryAddress, long va) {
        invalidations.add(new Invalidation(entryAddress, va & ~(PAGE_SIZE - 1)));
    }

    /**
     * What was released since the last call. The kernel flushes the invalidations on the calling
     * vCPU ({@link dev.kapsel.sandbox.machine.Cpu#flush}: on a shadow-paging KVM the guest-side
     * rewrite drops the shadow entry for every vCPU), makes every other vCPU running this space
     * reload CR3, and then calls {@link #free(Changes)}.
     */
    public Changes takeChanges() {
        if (invalidations.isEmpty() && releasedFrames.isEmpty() && releasedTables.isEmpty() && releasedShared.isEmpty()) {
            return new Changes(List.of(), List.of(), List.of(), List.of());
        }
        Changes c = new Changes(invalidations, releasedFrames, releasedTables, releasedShared);
        invalidations = new ArrayList<>();
        releasedFrames = new ArrayList<>();
        releasedTables = new ArrayList<>();
        releasedShared = new ArrayList<>();
        return c;
    }

    /** Gives the frames of {@code changes} back, once no vCPU can reach them through its TLB. */
    public void free(Changes changes) {
        changes.frames().forEach(frames::free);
        changes.tables().forEach(frames::free);
        changes.shared().forEach(e -> e.pages().unmap(e.index()));
    }

    /** Every change of {@link #areas} goes through here and {@link #removeArea}: shared files count their areas. */
    private void putArea(Vma v) {
        Vma old = areas.put(v.start(), v);
        if (v.shared() != null) {
            v.shared().pages().areaAdded(v.shared().mayWrite());
        }
        if (old != null && old.shared() != null) {
            old.shared().pages().areaRemoved(old.shared().mayWrite());
        }
    }

    private void removeArea(Vma v) {
        areas.remove(v.start());
        if (v.shared() != null) {
            v.shared().pages().areaRemoved(v.shared().mayWrite());
        }
    }

    public PageTable pageTable() {
        return table;
    }

    public long faults() {
        return faults;
    }

    public List<Vma> areas() {
        return List.copyOf(areas.values());
    }

    public static long pageDown(long va) {
        return va & ~(PAGE_SIZE - 1);
    }

    /** Rounds up; fails with ENOMEM if that overflows the user range. */
    public static long pageUp(long v) {
        if (v < 0 || v > USER_END) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    }

    private static boolean validRange(long start, long length) {
        return start >= USER_START && length > 0 && start < USER_END && length <= USER_END - start;
    }

    public Vma find(long va) {
        Map.Entry<Long, Vma> e = areas.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    private boolean isFree(long start, long end) {
        Map.Entry<Long, Vma> e = areas.lowerEntry(end);
        return e == null || e.getValue().end() <= start;
    }

    /** Inserts an area at a fixed place (the loader, the stack); the range must be free. */
    public void insert(Vma vma) {
        if (!validRange(vma.start(), vma.length()) || !isFree(vma.start(), vma.end())) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        if (areas.size() >= MAX_AREAS) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        putArea(vma);
    }

    /** Highest free gap of {@code length} bytes below {@link #MMAP_TOP}. */
    private long findFree(long length) {
        long top = MMAP_TOP;
        for (Vma v : areas.descendingMap().values()) {
            if (v.start() >= top) {
                continue;
            }
            if (v.end() <= top - length) {
                return top - length;
            }
            top = v.start();
            if (top < USER_START + length) {
                break;
            }
        }
        if (top - length >= USER_START && top >= length) {
            return top - length;
        }
        throw new ErrnoException(Errno.ENOMEM);
    }

    /** mmap: returns the address of the new area. {@code fixed} replaces what is there; {@code noReplace} fails with EEXIST instead. */
    public long map(long hint, long length, int prot, boolean fixed, boolean noReplace, Vma.Backing backing,
                    long fileOffset, long fileSize, String name) {
        long len = checkedLength(length);
        long start = place(hint, len, fixed, noReplace);
        long fileEnd = backing == null ? start : start + Math.min(len, Math.max(0, fileSize - fileOffset));
        insert(new Vma(start, start + len, prot, backing, fileOffset, fileEnd, name));
        return start;
    }

    /** mmap(MAP_SHARED): an area over the page cache of {@code shared}'s file from byte {@code fileOffset}. */
    public long mapShared(long hint, long length, int prot, boolean fixed, boolean noReplace, Vma.Shared shared,
                          long fileOffset, String name) {
        long len = checkedLength(length);
        long start = place(hint, len, fixed, noReplace);
        insert(Vma.shared(start, start + len, prot, shared, fileOffset, name));
        return start;
    }

    private static long checkedLength(long length) {
        if (length <= 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return pageUp(length);
    }

    /** Where a new area of {@code len} bytes goes (replacing what is there for MAP_FIXED). */
    private long place(long hint, long len, boolean fixed, boolean noReplace) {
        long start;
        if (fixed || noReplace) {
            if ((hint & (PAGE_SIZE - 1)) != 0 || !validRange(hint, len)) {
                throw new ErrnoException(fixed ? Errno.EINVAL : Errno.ENOMEM);
            }
            if (!isFree(hint, hint + len)) {
                if (noReplace) {
                    throw new ErrnoException(Errno.EEXIST);
                }
                unmap(hint, len);
            }
            start = hint;
        } else if (hint != 0 && (hint & (PAGE_SIZE - 1)) == 0 && validRange(hint, len) && isFree(hint, hint + len)) {
            start = hint;
        } else {
            start = findFree(len);
        }
        return start;
    }

    /** Splits areas so that {@code at} is a boundary. */
    private void splitAt(long at) {
        Vma v = find(at);
        if (v != null && v.start() != at) {
            putArea(v.slice(v.start(), at));
            putArea(v.slice(at, v.end()));
        }
    }

    public void unmap(long start, long length) {
        if ((start & (PAGE_SIZE - 1)) != 0 || length <= 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long len = pageUp(length);
        if (!validRange(start, len)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long end = start + len;
        splitAt(start);
        splitAt(end);
        List<Vma> gone = new ArrayList<>(areas.subMap(start, true, end, false).values());
        for (Vma v : gone) {
            removeArea(v);
            releasePages(v, v.start(), v.end());
        }
        releaseEmptyTables(start, end);
    }

    private void releasePages(Vma v, long start, long end) {
        for (long va = start; va < end; va += PAGE_SIZE) {
            long entry = table.entryAddress(va);
            if (entry < 0) {
                va = (va | ((1L << 21) - 1)) + 1 - PAGE_SIZE; // no page table here: skip the 2 MiB it would cover
                continue;
            }
            long old = table.unmap(va);
            if ((old & PageTable.PRESENT) != 0) {
                invalidate(entry, va);
            }
            if (PageTable.hasFrame(old)) {
                if (v.shared() != null) {
                    releasedShared.add(new SharedEntry(v.shared().pages(), v.pageIndex(va)));
                } else {
                    releasedFrames.add(old & PageTable.ADDRESS_MASK);
                }
            }
        }
    }

    /** Unlinks the leaf tables of {@code [start, end)} that no longer map anything. */
    private void releaseEmptyTables(long start, long end) {
        for (long block = start & ~((1L << 21) - 1); block < end; block += 1L << 21) {
            PageTable.LeafTable leaf = table.unlinkIfEmpty(block);
            if (leaf != null) {
                invalidate(leaf.directoryEntry(), block);
                releasedTables.add(leaf.frame());
            }
        }
    }

    public void protect(long start, long length, int prot) {
        if ((start & (PAGE_SIZE - 1)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (length == 0) {
            return;
        }
        long len = pageUp(length);
        if (!validRange(start, len)) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        long end = start + len;
        for (long va = start; va < end; ) {
            Vma v = find(va);
            if (v == null) {
                throw new ErrnoException(Errno.ENOMEM);
            }
            if (v.shared() != null && (prot & Vma.PROT_WRITE) != 0 && !v.shared().mayWrite()) {
                throw new ErrnoException(Errno.EACCES); // a shared mapping of a file not opened for writing
            }
            va = v.end();
        }
        splitAt(start);
        splitAt(end);
        for (Vma v : new ArrayList<>(areas.subMap(start, true, end, false).values())) {
            putArea(v.withProt(prot));
            if (v.shared() != null && (prot & Vma.PROT_WRITE) != 0) {
                v.shared().pages().mayBeWritten();
            }
            for (long va = v.start(); va < v.end(); va += PAGE_SIZE) {
                long entry = table.entryAddress(va);
                if (entry < 0) {
                    continue;
                }
                long old = table.lookup(va);
                if (!PageTable.hasFrame(old)) {
                    continue;
                }
                if (prot == 0) {
                    table.hide(va); // PROT_NONE keeps the contents; handleFault refuses access
                } else {
                    table.map(va, old & PageTable.ADDRESS_MASK, pteFlags(prot));
                }
                if ((old & PageTable.PRESENT) != 0) {
                    invalidate(entry, va);
                }
            }
        }
    }

    static long pteFlags(int prot) {
        long flags = PageTable.USER;
        if ((prot & Vma.PROT_WRITE) != 0) {
            flags |= PageTable.WRITABLE;
        }
        if ((prot & Vma.PROT_EXEC) == 0) {
            flags |= PageTable.NO_EXECUTE;
        }
        return flags;
    }

    /** mremap. */
    public long remap(long oldStart, long oldLength, long newLength, boolean mayMove, boolean fixed, long newAddress) {
        if ((oldStart & (PAGE_SIZE - 1)) != 0 || newLength <= 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long oldLen = pageUp(Math.max(oldLength, 1));
        long newLen = pageUp(newLength);
        Vma v = find(oldStart);
        if (v == null || oldStart + oldLen > v.end()) {
            throw new ErrnoException(Errno.EFAULT);
        }
        if (fixed) {
            if (!mayMove || (newAddress & (PAGE_SIZE - 1)) != 0 || !validRange(newAddress, newLen)) {
                throw new ErrnoException(Errno.EINVAL);
            }
            unmap(newAddress, newLen);
            return move(v, oldStart, oldLen, newAddress, newLen);
        }
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                unmap(oldStart + newLen, oldLen - newLen);
            }
            return oldStart;
        }
        if (oldStart + oldLen == v.end() && validRange(oldStart, newLen) && isFree(v.end(), oldStart + newLen)) {
            putArea(new Vma(v.start(), oldStart + newLen, v.prot(), v.backing(), v.fileOffset(), v.fileEnd(), v.name(), v.shared()));
            return oldStart;
        }
        if (!mayMove) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        return move(v, oldStart, oldLen, findFree(newLen), newLen);
    }

    private long move(Vma v, long oldStart, long oldLen, long newStart, long newLen) {
        Vma part = v.slice(oldStart, oldStart + oldLen);
        Vma moved = new Vma(newStart, newStart + newLen, part.prot(), part.backing(), part.fileOffset(),
                Math.min(part.fileEnd() - oldStart + newStart, newStart + newLen), part.name(), part.shared());
        insert(moved);
        long copy = Math.min(oldLen, newLen);
        for (long off = 0; off < copy; off += PAGE_SIZE) {
            long entry = table.entryAddress(oldStart + off);
            if (entry < 0) {
                continue;
            }
            long old = table.unmap(oldStart + off);
            if ((old & PageTable.PRESENT) != 0) {
                invalidate(entry, oldStart + off);
            }
            if (PageTable.hasFrame(old)) {
                if (part.prot() == 0) {
                    table.map(newStart + off, old & PageTable.ADDRESS_MASK, 0);
                    table.hide(newStart + off);
                } else {
                    table.map(newStart + off, old & PageTable.ADDRESS_MASK, pteFlags(part.prot()));
                }
            }
        }
        unmap(oldStart, oldLen);
        return newStart;
    }

    /** Sets where the heap starts (just after the loaded program). */
    public void initBrk(long start) {
        brkStart = pageUp(start);
        brk = brkStart;
    }

    /** brk(2): moves the break if it can, and returns the (possibly unchanged) break. */
    public long brk(long requested) {
        if (requested < brkStart || requested > USER_END) {
            return brk;
        }
        long oldTop = pageUp(brk);
        long newTop = pageUp(requested);
        try {
            if (newTop > oldTop) {
                if (!isFree(oldTop, newTop)) {
                    return brk;
                }
                Vma heap = find(oldTop - 1);
                if (heap != null && "[heap]".equals(heap.name()) && heap.end() == oldTop) {
                    putArea(new Vma(heap.start(), newTop, heap.prot(), null, 0, heap.start(), "[heap]"));
                } else {
                    insert(Vma.anonymous(oldTop, newTop, Vma.PROT_READ | Vma.PROT_WRITE, "[heap]"));
                }
            } else if (newTop < oldTop) {
                unmap(newTop, oldTop - newTop);
            }
        } catch (ErrnoException e) {
            return brk;
        }
        brk = requested;
        return brk;
    }

    /**
     * Serves a page fault at {@code va}: populates the page if its area allows the access.
     * Returns false if the access is not allowed (the program gets SIGSEGV).
     */
    public boolean handleFault(long va, boolean write, boolean execute) {
        Vma v = find(va);
        if (v == null || !allows(v, write, execute) || beyondEndOfFile(v, va)) {
            return false;
        }
        long pte = table.lookup(va);
        if ((pte & PageTable.PRESENT) != 0) {
            return false; // present and still faulting: a protection violation
        }
        faults++;
        if ((pte & PageTable.HIDDEN) != 0) {
            table.map(pageDown(va), pte & PageTable.ADDRESS_MASK, pteFlags(v.prot()));
            return true;
        }
        long page = pageDown(va);
        long window = page & ~(FAULT_AROUND_PAGES * PAGE_SIZE - 1);
        populate(v, page);
        for (long p = Math.max(window, v.start()); p < Math.min(window + FAULT_AROUND_PAGES * PAGE_SIZE, v.end()); p += PAGE_SIZE) {
            if (p != page && !PageTable.hasFrame(table.lookup(p)) && !beyondEndOfFile(v, p)) {
                try {
                    populate(v, p);
                } catch (OutOfFramesException e) {
                    break;
                }
            }
        }
        return true;
    }

    /** Is {@code va} in a shared area but past the end of its file (SIGBUS, as Linux, not a new page)? */
    public boolean beyondEndOfFile(long va) {
        Vma v = find(va);
        return v != null && beyondEndOfFile(v, va);
    }

    private static boolean beyondEndOfFile(Vma v, long va) {
        return v.shared() != null && v.pageIndex(va) * PAGE_SIZE >= v.shared().pages().fileSize();
    }

    private static boolean allows(Vma v, boolean write, boolean execute) {
        if (write) {
            return (v.prot() & Vma.PROT_WRITE) != 0;
        }
        if (execute) {
            return (v.prot() & Vma.PROT_EXEC) != 0;
        }
        return v.prot() != 0;
    }

    private long populate(Vma v, long page) {
        if (v.shared() != null) {
            long frame = v.shared().pages().map(v.pageIndex(page), (v.prot() & Vma.PROT_WRITE) != 0);
            table.map(page, frame, pteFlags(v.prot()));
            return frame;
        }
        long frame = frames.allocate();
        if (v.backing() != null && page < v.fileEnd()) {
            int n = (int) Math.min(PAGE_SIZE, v.fileEnd() - page);
            byte[] data = new byte[n];
            int got = 0;
            while (got < n) {
                int r = v.backing().read(v.fileOffset() + (page - v.start()) + got, data, got, n - got);
                if (r <= 0) {
                    break;
                }
                got += r;
            }
            memory.write(frame, data, 0, got);
        }
        table.map(page, frame, pteFlags(v.prot()));
        return frame;
    }

    /**
     * The guest-physical address of user address {@code va} for an access by the kernel on the
     * program's behalf (copy to or from user); populates the page. EFAULT if the program could not
     * make that access itself.
     */
    public long physicalFor(long va, boolean write) {
        if (va < USER_START || va >= USER_END) {
            throw new ErrnoException(Errno.EFAULT);
        }
        Vma v = find(va);
        if (v == null || (write ? (v.prot() & Vma.PROT_WRITE) == 0 : (v.prot() & Vma.PROT_READ) == 0)) {
            throw new ErrnoException(Errno.EFAULT);
        }
        long pte = table.lookup(va);
        if (!PageTable.hasFrame(pte) && beyondEndOfFile(v, va)) {
            throw new ErrnoException(Errno.EFAULT);
        }
        if ((pte & PageTable.HIDDEN) != 0) {
            table.map(pageDown(va), pte & PageTable.ADDRESS_MASK, pteFlags(v.prot()));
            return (pte & PageTable.ADDRESS_MASK) | (va & (PAGE_SIZE - 1));
        }
        if ((pte & PageTable.PRESENT) == 0) {
            try {
                long frame = populate(v, pageDown(va));
                return frame | (va & (PAGE_SIZE - 1));
            } catch (OutOfFramesException e) {
                throw new ErrnoException(Errno.ENOMEM);
            }
        }
        return (pte & PageTable.ADDRESS_MASK) | (va & (PAGE_SIZE - 1));
    }

    /** Checks, without populating, that the program may access all of {@code [va, va+length)}; EFAULT if not. */
    public void checkAccess(long va, long length, boolean write) {
        if (va < USER_START || length > USER_END - va) {
            throw new ErrnoException(Errno.EFAULT);
        }
        long end = va + length;
        for (long p = va; p < end; ) {
            Vma v = find(p);
            if (v == null || (write ? (v.prot() & Vma.PROT_WRITE) == 0 : (v.prot() & Vma.PROT_READ) == 0)) {
                throw new ErrnoException(Errno.EFAULT);
            }
            p = v.end();
        }
    }

    /** ENOMEM unless every page of {@code [start, start+length)} is in an area (madvise, mlock). */
    public void checkMapped(long start, long length) {
        long len = pageUp(length);
        if (!validRange(start, len)) {
            throw new ErrnoException(Errno.ENOMEM);
        }
        for (long p = start; p < start + len; ) {
            Vma v = find(p);
            if (v == null) {
                throw new ErrnoException(Errno.ENOMEM);
            }
            p = v.end();
        }
    }

    /** The page caches of the shared areas in {@code [start, start+length)} (msync); ENOMEM on gaps. */
    public Set<SharedPages> sharedPagesIn(long start, long length) {
        checkMapped(start, length);
        Set<SharedPages> found = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Vma v : areas.subMap(areas.floorKey(start), true, start + pageUp(length), false).values()) {
            if (v.shared() != null) {
                found.add(v.shared().pages());
            }
        }
        return found;
    }

    /** Is all of {@code [start, start+length)} private anonymous memory (MADV_FREE's domain)? ENOMEM on gaps. */
    public boolean privateAnonymous(long start, long length) {
        checkMapped(start, length);
        long end = start + pageUp(length);
        for (long p = start; p < end; ) {
            Vma v = find(p);
            if (v.backing() != null || v.shared() != null) {
                return false;
            }
            p = v.end();
        }
        return true;
    }

    /** madvise(MADV_DONTNEED): drops the pages; the next access sees zeros (or the file again). */
    public void discard(long start, long length) {
        if ((start & (PAGE_SIZE - 1)) != 0 || length < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        long len = pageUp(length);
        if (len == 0) {
            return;
        }
        if (!validRange(start, len)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        for (long p = start; p < start + len; ) {
            Vma v = find(p);
            if (v == null) {
                throw new ErrnoException(Errno.ENOMEM);
            }
            releasePages(v, p, Math.min(v.end(), start + len));
            p = v.end();
        }
        // the range stays mapped, so its page tables stay, as Linux keeps them (free_pgtables runs at
        // munmap and exit only): a thread's stack that glibc discards at thread exit is reused at once
    }

    /**
     * fork: a new address space with the same areas, a private copy of every private page present
     * now, and the same frames for the pages of shared areas.
     */
    public AddressSpace copy() {
        AddressSpace child = new AddressSpace(memory, frames, tables);
        child.brkStart = brkStart;
        child.brk = brk;
        for (Vma v : areas.values()) {
            child.putArea(v);
            for (long va = v.start(); va < v.end(); va += PAGE_SIZE) {
                long entry = table.entryAddress(va);
                if (entry < 0) {
                    va = (va | ((1L << 21) - 1)) + 1 - PAGE_SIZE;
                    continue;
                }
                long pte = table.lookup(va);
                if (!PageTable.hasFrame(pte)) {
                    continue;
                }
                long frame;
                if (v.shared() != null) {
                    frame = pte & PageTable.ADDRESS_MASK;
                    v.shared().pages().addMapping(v.pageIndex(va));
                } else {
                    frame = frames.allocate();
                    memory.slice(frame, PAGE_SIZE).copyFrom(memory.slice(pte & PageTable.ADDRESS_MASK, PAGE_SIZE));
                }
                if ((pte & PageTable.PRESENT) != 0) {
                    child.table.map(va, frame, pteFlags(v.prot()));
                } else {
                    child.table.map(va, frame, 0);
                    child.table.hide(va);
                }
            }
        }
        return child;
    }

    /**
     * Frees every page and every page-table page (the program ended or replaced itself). The
     * caller guarantees that no vCPU runs this space any more; a vCPU that ran it last reloads CR3
     * before it runs anything else, and its tables are never tables again ({@link FrameAllocator}),
     * so no flush is needed. Nothing of the space may be used afterwards.
     */
    public void release() {
        for (Vma v : new ArrayList<>(areas.values())) {
            removeArea(v);
            releasePages(v, v.start(), v.end());
        }
        free(takeChanges());
        table.forEachTable(frames::free);
    }
}
