package dev.kapsel.sandbox.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.machine.FrameAllocator;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.machine.PageTable;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Model-based property of {@link AddressSpace} over plain guest memory (no KVM): random sequences
 * of mmap, munmap, mprotect, madvise(DONTNEED), accesses, fork and exit against a map of pages per
 * space. After every step (the shootdown's work done: {@link AddressSpace#takeChanges} then
 * {@link AddressSpace#free}) no frame is reachable from two places, every reachable frame (page or
 * page-table page) is allocated, every allocated frame is reachable (nothing leaks, page tables
 * included) and each page holds what the model says.
 */
class AddressSpaceModelTest {
    private static final long BASE = 0x4000_0000L;
    /** 3 MiB: a window that spans two leaf tables, so emptied tables are unlinked and freed. */
    private static final int PAGES = 768;
    private static final int MARK = 100;

    enum Kind { MAP, UNMAP, PROTECT, DISCARD, WRITE, READ, FAULT, FORK, EXIT }

    record Op(Kind kind, int space, int page, int count, int prot, int marker) {}

    /** What a space should hold: for each mapped page its protection and the byte at {@link #MARK} (0 if never written). */
    static final class Model {
        final Map<Integer, Integer> prot = new HashMap<>();
        final Map<Integer, Integer> marks = new HashMap<>();

        Model copy() {
            Model m = new Model();
            m.prot.putAll(prot);
            m.marks.putAll(marks);
            return m;
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, PAGES - 1),
                Arbitraries.integers().between(1, 600),
                Arbitraries.of(0, 1, 3),
                Arbitraries.integers().between(1, 255)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 150)
    void noFrameIsReachableAfterItsRelease(@ForAll("operations") List<Op> ops) {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory memory = GuestMemory.allocate(arena, 64L << 20);
            FrameAllocator frames = new FrameAllocator(memory);
            List<AddressSpace> spaces = new ArrayList<>();
            List<Model> models = new ArrayList<>();
            spaces.add(new AddressSpace(memory, frames, () -> Machine.newPageTable(memory, frames)));
            models.add(new Model());
            for (Op op : ops) {
                int i = op.space() % spaces.size();
                apply(op, spaces, models, i, memory);
                for (AddressSpace s : spaces) {
                    s.free(s.takeChanges());
                }
                if (spaces.isEmpty()) {
                    spaces.add(new AddressSpace(memory, frames, () -> Machine.newPageTable(memory, frames)));
                    models.add(new Model());
                }
                check(spaces, models, frames, memory);
            }
            for (AddressSpace s : spaces) {
                s.release();
            }
            assertEquals(0, frames.framesInUse(), "every frame comes back when every space is released");
        }
    }

    private static long va(int page) {
        return BASE + page * 4096L;
    }

    private static void apply(Op op, List<AddressSpace> spaces, List<Model> models, int i, GuestMemory memory) {
        AddressSpace s = spaces.get(i);
        Model m = models.get(i);
        int count = Math.min(op.count(), PAGES - op.page());
        switch (op.kind()) {
            case MAP -> {
                s.map(va(op.page()), count * 4096L, op.prot(), true, false, null, 0, 0, "");
                for (int p = op.page(); p < op.page() + count; p++) {
                    m.prot.put(p, op.prot());
                    m.marks.remove(p);
                }
            }
            case UNMAP -> {
                s.unmap(va(op.page()), count * 4096L);
                for (int p = op.page(); p < op.page() + count; p++) {
                    m.prot.remove(p);
                    m.marks.remove(p);
                }
            }
            case PROTECT -> {
                boolean allMapped = true;
                for (int p = op.page(); p < op.page() + count; p++) {
                    allMapped &= m.prot.containsKey(p);
                }
                if (!allMapped) {
                    assertThrows(ErrnoException.class, () -> s.protect(va(op.page()), count * 4096L, op.prot()));
                    return;
                }
                s.protect(va(op.page()), count * 4096L, op.prot());
                for (int p = op.page(); p < op.page() + count; p++) {
                    m.prot.put(p, op.prot());
                }
            }
            case DISCARD -> {
                boolean allMapped = true;
                for (int p = op.page(); p < op.page() + count; p++) {
                    allMapped &= m.prot.containsKey(p);
                }
                if (!allMapped) {
                    assertThrows(ErrnoException.class, () -> s.discard(va(op.page()), count * 4096L));
                    return;
                }
                s.discard(va(op.page()), count * 4096L);
                for (int p = op.page(); p < op.page() + count; p++) {
                    m.marks.remove(p);
                }
            }
            case WRITE -> {
                Integer prot = m.prot.get(op.page());
                if (prot == null || (prot & Vma.PROT_WRITE) == 0) {
                    assertThrows(ErrnoException.class, () -> s.physicalFor(va(op.page()) + MARK, true));
                    return;
                }
                memory.writeU8(s.physicalFor(va(op.page()) + MARK, true), op.marker());
                m.marks.put(op.page(), op.marker());
            }
            case READ -> {
                Integer prot = m.prot.get(op.page());
                if (prot == null || (prot & Vma.PROT_READ) == 0) {
                    assertThrows(ErrnoException.class, () -> s.physicalFor(va(op.page()) + MARK, false));
                    return;
                }
                assertEquals(m.marks.getOrDefault(op.page(), 0), memory.readU8(s.physicalFor(va(op.page()) + MARK, false)));
            }
            case FAULT -> {
                Integer prot = m.prot.get(op.page());
                boolean write = (op.marker() & 1) != 0;
                boolean allowed = prot != null && (write ? (prot & Vma.PROT_WRITE) != 0 : prot != 0);
                boolean present = (s.pageTable().lookup(va(op.page())) & PageTable.PRESENT) != 0;
                assertEquals(allowed && !present, s.handleFault(va(op.page()), write, false), op.toString());
            }
            case FORK -> {
                spaces.add(s.copy());
                models.add(m.copy());
            }
            case EXIT -> {
                s.free(s.takeChanges());
                s.release();
                spaces.remove(i);
                models.remove(i);
            }
        }
    }

    private static void check(List<AddressSpace> spaces, List<Model> models, FrameAllocator frames, GuestMemory memory) {
        Set<Long> reachable = new HashSet<>();
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace s = spaces.get(i);
            Model m = models.get(i);
            s.pageTable().forEachTable(t -> assertTrue(reachable.add(t), "table frame reachable twice"));
            for (int p = 0; p < PAGES; p++) {
                long pte = s.pageTable().lookup(va(p));
                if (!PageTable.hasFrame(pte)) {
                    continue;
                }
                long frame = pte & PageTable.ADDRESS_MASK;
                assertTrue(m.prot.containsKey(p), "a frame at an unmapped page " + p);
                assertTrue(reachable.add(frame), "frame reachable twice at page " + p);
                assertEquals(m.marks.getOrDefault(p, 0), memory.readU8(frame + MARK), "contents of page " + p);
                boolean writable = (pte & PageTable.WRITABLE) != 0 && (pte & PageTable.PRESENT) != 0;
                assertFalse(writable && (m.prot.get(p) & Vma.PROT_WRITE) == 0, "writable entry for a read-only page " + p);
                assertFalse((pte & PageTable.PRESENT) != 0 && m.prot.get(p) == 0, "present entry for a PROT_NONE page " + p);
            }
        }
        for (long f : reachable) {
            assertTrue(frames.inUse(f), String.format("reachable frame 0x%x is free", f));
        }
        assertEquals(reachable.size(), frames.framesInUse(), "frames in use but reachable from no space (a leak)");
    }
}
