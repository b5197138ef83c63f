package dev.kapsel.sandbox.mm;

import static dev.kapsel.sandbox.machine.KernelLayout.PAGE_SIZE;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.sandbox.fs.FileData;
import dev.kapsel.sandbox.fs.FilePages;
import dev.kapsel.sandbox.fs.Node;
import dev.kapsel.sandbox.fs.ShmemFile;
import dev.kapsel.sandbox.machine.FrameAllocator;
import java.util.HashMap;
import java.util.Map;

/**
 * The page cache of one file that is mapped {@code MAP_SHARED}: a guest frame per cached page,
 * which every shared mapping of the file, in every address space, maps. Each page-table entry
 * that maps a frame holds it ({@link #map}, {@link #addMapping}); {@link #unmap} is called only
 * after the TLB shootdown of that entry, so a frame is freed when no entry and no vCPU's TLB
 * reaches it. When the last entry goes the pages are written back to the file and all frames
 * freed; the next fault reads the file again. Areas that map the file are counted too
 * ({@link #areaAdded}), so a file without a name ({@link ShmemFile}) keeps its bytes while any area
 * or cached page holds it.
 */
public final class SharedPages implements FilePages {
    private static final int PAGE = (int) PAGE_SIZE;
    private final GuestMemory memory;
    private final FrameAllocator frames;
    private final FileData store;
    /** Page index in the file to the frame caching it. */
    private final Map<Long, Long> cached = new HashMap<>();
    /** Page index to how many page-table entries map its frame. */
    private final Map<Long, Integer> entries = new HashMap<>();
    private long mappedEntries;
    private long areas;
    /** Areas that may be made writable (Linux's i_mmap_writable), which F_SEAL_WRITE waits for. */
    private long writableAreas;
    /** A writable mapping mapped a page since the last write-back. */
    private boolean dirty;

    SharedPages(GuestMemory memory, FrameAllocator frames, FileData store) {
        this.memory = memory;
        this.frames = frames;
        this.store = store;
    }

    /** The page cache of {@code node} (whose bytes are {@code store}), made by its first shared mapping. */
    public static SharedPages of(Node node, FileData store, GuestMemory memory, FrameAllocator frames) {
        if (node.pages() instanceof SharedPages pages) {
            return pages;
        }
        SharedPages pages = new SharedPages(memory, frames, store);
        node.attachPages(pages);
        return pages;
    }

    /** The frame of page {@code index}, read from the file if it is not cached; one more entry maps it. */
    long map(long index, boolean writable) {
        Long frame = cached.get(index);
        if (frame == null) {
            frame = frames.allocate();
            fill(frame, index);
            cached.put(index, frame);
        }
        addMapping(index);
        dirty |= writable;
        return frame;
    }

    /** fork: one more entry maps the (cached) page {@code index}. */
    void addMapping(long index) {
        if (!cached.containsKey(index)) {
            throw new IllegalStateException("page " + index + " is mapped but not cached");
        }
        if (!inUse()) {
            store.hold();
        }
        entries.merge(index, 1, Integer::sum);
        mappedEntries++;
    }

    /** An entry that mapped page {@code index} is gone, and no TLB holds it any more. */
    void unmap(long index) {
        int left = entries.merge(index, -1, Integer::sum);
        if (left < 0) {
            throw new IllegalStateException("page " + index + " unmapped more often than mapped");
        }
        if (left == 0) {
            entries.remove(index);
        }
        mappedEntries--;
        if (mappedEntries == 0) {
            sync();
            cached.values().forEach(frames::free);
            cached.clear();
            dirty = false;
            if (!inUse()) {
                store.drop();
            }
        }
    }

    /** A shared area of this file became writable (mprotect): its pages go back to the file. */
    void mayBeWritten() {
        dirty = true;
    }

    void areaAdded(boolean mayWrite) {
        if (!inUse()) {
            store.hold();
        }
        areas++;
        writableAreas += mayWrite ? 1 : 0;
    }

    void areaRemoved(boolean mayWrite) {
        areas--;
        writableAreas -= mayWrite ? 1 : 0;
        if (!inUse()) {
            store.drop();
        }
    }

    private boolean inUse() {
        return areas > 0 || mappedEntries > 0;
    }

    private void fill(long frame, long index) {
        byte[] page = new byte[PAGE];
        long position = index * PAGE;
        for (int got = 0; got < PAGE; ) {
            int r = store.read(position + got, page, got, PAGE - got);
            if (r <= 0) {
                break;
            }
            got += r;
        }
        memory.write(frame, page);
    }


    /** msync, and the last unmap: the cached pages' bytes (up to the file's size) go back to the file. */
    public void sync() {
        if (!dirty || !store.writable()) {
            return;
        }
        long size = store.size();
        byte[] page = new byte[PAGE];
        for (Map.Entry<Long, Long> e : cached.entrySet()) {
            long position = e.getKey() * PAGE;
            int n = (int) Math.min(PAGE, size - position);
            if (n <= 0) {
                continue;
            }
            memory.read(e.getValue(), page, 0, n);
            if (store instanceof ShmemFile shmem) {
                shmem.store(position, page, 0, n); // a future-write seal still lets earlier mappings write
            } else {
                store.write(position, page, 0, n);
            }
        }
    }

    @Override
    public void overlay(long position, byte[] dst, int offset, int length) {
        forEachCached(position, length, (frame, inPage, done, chunk) -> memory.read(frame + inPage, dst, offset + done, chunk));
    }

    @Override
    public void written(long position, byte[] src, int offset, int length) {
        forEachCached(position, length, (frame, inPage, done, chunk) -> memory.write(frame + inPage, src, offset + done, chunk));
    }

    @Override
    public void truncated(long size) {
        for (Map.Entry<Long, Long> e : cached.entrySet()) {
            long position = e.getKey() * PAGE;
            if (position + PAGE > size) {
                long from = Math.max(0, size - position);
                memory.fill(e.getValue() + from, PAGE - from, (byte) 0);
            }
        }
    }

    private interface Chunk {
        void copy(long frame, int inPage, int done, int chunk);
    }

    private void forEachCached(long position, int length, Chunk chunk) {
        if (cached.isEmpty()) {
            return;
        }
        for (int done = 0; done < length; ) {
            long at = position + done;
            int inPage = (int) (at % PAGE);
            int n = Math.min(length - done, PAGE - inPage);
            Long frame = cached.get(at / PAGE);
            if (frame != null) {
                chunk.copy(frame, inPage, done, n);
            }
            done += n;
        }
    }

    /** The file's size now: a shared area's pages from here on are past its end. */
    public long fileSize() {
        return store.size();
    }

    /** Areas, in every address space, that map this file now (a SysV segment's shm_nattch). */
    public long areas() {
        return areas;
    }

    /** Does an area map this file so that it may write it (F_SEAL_WRITE is EBUSY then)? */
    public boolean writablyMapped() {
        return writableAreas > 0;
    }

    /** Frames cached now (tests). */
    public int cachedFrames() {
        return cached.size();
    }

    /** Page-table entries that map a cached frame now (tests). */
    public long mappedEntries() {
        return mappedEntries;
    }
}
