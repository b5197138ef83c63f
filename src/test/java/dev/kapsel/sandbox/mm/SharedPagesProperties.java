package dev.kapsel.sandbox.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.ShmemFile;
import dev.kapsel.sandbox.fs.UpperQuota;
import dev.kapsel.sandbox.machine.FrameAllocator;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.machine.PageTable;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The page cache's bookkeeping ({@link SharedPages}) under random sequences of shared mappings,
 * unmaps, madvise(DONTNEED), stores through a mapping, write(2) to the file, fork and exit over
 * several address spaces of one shared-memory file. After every step (shootdown work done) every
 * entry that maps a page of the file maps the one cached frame of that page, the cache counts
 * exactly those entries, holds no frame once none is left, every view (mappings and read(2)) shows
 * the model's bytes, and when every space is gone no frame is left allocated.
 */
class SharedPagesProperties {
    private static final long BASE = 0x5000_0000L;
    private static final int PAGES = 8;
    private static final int PAGE = 4096;

    enum Kind { MAP, UNMAP, DISCARD, STORE, WRITE, FORK, EXIT }

    record Op(Kind kind, int space, int page, int count, int marker) {}

    @Provide
    Arbitrary<List<Op>> operations() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, PAGES - 1), Arbitraries.integers().between(1, PAGES),
                Arbitraries.integers().between(1, 255)).as(Op::new).list().ofMinSize(1).ofMaxSize(50);
    }

    @Property(tries = 200)
    void noFrameOutlivesItsLastMapping(@ForAll("operations") List<Op> ops) {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = GuestMemory.allocate(arena, 16L << 20);
            FrameAllocator frames = new FrameAllocator(memory);
            ShmemFile file = new ShmemFile(new UpperQuota(1L << 20), false);
            OpenFile handle = file.open(2);
            file.truncate((long) PAGES * PAGE);
            SharedPages pages = SharedPages.of(file, file, memory, frames);
            Vma.Shared shared = new Vma.Shared(pages, true);
            int[] model = new int[PAGES];
            List<AddressSpace> spaces = new ArrayList<>();
            spaces.add(new AddressSpace(memory, frames, () -> Machine.newPageTable(memory, frames)));
            for (Op op : ops) {
                AddressSpace s = spaces.isEmpty() ? null : spaces.get(op.space() % spaces.size());
                long va = BASE + (long) op.page() * PAGE;
                long len = (long) Math.min(op.count(), PAGES - op.page()) * PAGE;
                switch (op.kind()) {
                    case MAP -> {
                        if (s != null) {
                            s.mapShared(BASE, (long) PAGES * PAGE, 3, true, false, shared, 0, "shm");
                        }
                    }
                    case UNMAP -> {
                        if (s != null) {
                            s.unmap(va, len);
                        }
                    }
                    case DISCARD -> {
                        if (s != null) {
                            try {
                                s.discard(va, len);
                            } catch (ErrnoException unmapped) {
                                // a hole in the range: ENOMEM, as Linux
                            }
                        }
                    }
                    case STORE -> {
                        if (s != null && s.find(va) != null) {
                            memory.writeU8(s.physicalFor(va, true), op.marker());
                            model[op.page()] = op.marker();
                        }
                    }
                    case WRITE -> {
                        handle.pwrite(new byte[] {(byte) op.marker()}, 1, (long) op.page() * PAGE);
                        model[op.page()] = op.marker();
                    }
                    case FORK -> {
                        if (s != null) {
                            spaces.add(s.copy());
                        }
                    }
                    case EXIT -> {
                        if (s != null) {
                            s.release();
                            spaces.remove(s);
                        }
                    }
                }
                spaces.forEach(sp -> sp.free(sp.takeChanges()));
                checkInvariants(memory, spaces, pages, handle, model);
            }
            spaces.forEach(AddressSpace::release);
            assertEquals(0, pages.cachedFrames(), "frames cached with no space left");
            assertEquals(0, frames.framesInUse(), "frames allocated with no space left");
        }
    }

    private static void checkInvariants(GuestMemory memory, List<AddressSpace> spaces, SharedPages pages, OpenFile handle, int[] model) {
        long entries = 0;
        long[] frameOf = new long[PAGES];
        for (AddressSpace s : spaces) {
            for (int i = 0; i < PAGES; i++) {
                long va = BASE + (long) i * PAGE;
                long pte = s.pageTable().lookup(va);
                if (s.find(va) == null || !PageTable.hasFrame(pte)) {
                    continue;
                }
                entries++;
                long frame = pte & PageTable.ADDRESS_MASK;
                if (frameOf[i] == 0) {
                    frameOf[i] = frame;
                }
                assertEquals(frameOf[i], frame, "page " + i + " maps two frames");
                assertEquals(model[i], memory.readU8(frame), "page " + i + " through a mapping");
            }
        }
        assertEquals(entries, pages.mappedEntries(), "entries the cache counts");
        if (entries == 0) {
            assertEquals(0, pages.cachedFrames(), "frames cached with no entry left");
        }
        for (int i = 0; i < PAGES; i++) {
            byte[] b = new byte[1];
            handle.pread(b, 1, (long) i * PAGE);
            assertEquals(model[i], b[0] & 0xff, "page " + i + " through read(2)");
        }
    }
}
