package dev.kapsel.virtio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile drivers: random descriptor tables (addresses in and out of RAM, any flags, any next index,
 * indirect tables of random bytes) and random available rings. Whatever they hold, popping ends
 * within the queue size, every buffer handed out lies in guest RAM, and the only exceptions are
 * {@link VirtqueueException}s.
 */
class VirtqueueProperties {
    private static final long MEM = 64 * 1024;
    private static final int SIZE = 16;

    record RawDescriptor(long address, int length, int flags, int next) {}

    @Provide
    Arbitrary<RawDescriptor> descriptors() {
        Arbitrary<Long> address = Arbitraries.oneOf(
                Arbitraries.longs().between(0, MEM),
                Arbitraries.longs().between(MEM - 64, MEM + 64),
                Arbitraries.longs(),
                Arbitraries.of(0x8000L, 0x8010L));   // where random "indirect tables" live
        Arbitrary<Integer> length = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 64), Arbitraries.integers(), Arbitraries.of(16, 32, 256, 272));
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 0xffff);
        Arbitrary<Integer> next = Arbitraries.oneOf(Arbitraries.integers().between(0, SIZE), Arbitraries.integers().between(0, 0xffff));
        return Combinators.combine(address, length, flags, next).as(RawDescriptor::new);
    }

    @Property(tries = 500)
    void hostileRingsOnlyRaiseVirtqueueErrors(
            @ForAll @Size(max = SIZE) java.util.List<@From("descriptors") RawDescriptor> table,
            @ForAll @Size(max = SIZE) java.util.List<@IntRange(min = 0, max = 0xffff) Integer> availRing,
            @ForAll @IntRange(min = 0, max = 0xffff) int availIdx,
            @ForAll byte[] indirectBytes,
            @ForAll boolean eventIdx) throws Exception {
        GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), MEM);
        MockVirtqueue driver = new MockVirtqueue(memory, 0x1000, SIZE);
        for (int i = 0; i < SIZE && i < table.size(); i++) {
            RawDescriptor d = table.get(i);
            driver.writeDescriptor(i, d.address(), d.length(), d.flags(), d.next());
        }
        memory.write(0x8000, indirectBytes, 0, Math.min(indirectBytes.length, 0x2000));
        for (int i = 0; i < SIZE && i < availRing.size(); i++) {
            memory.writeU16(driver.availRing() + 4 + 2L * i, availRing.get(i));
        }
        memory.writeU16(driver.availRing() + 2, availIdx);
        Virtqueue q = driver.configure(new Virtqueue(SIZE));
        q.activate(memory, eventIdx);

        int popped = 0;
        try {
            DescriptorChain chain;
            while ((chain = q.pop()) != null) {
                popped++;
                assertTrue(popped <= SIZE, "more chains than the queue holds");
                for (Buffer b : chain.buffers()) {
                    assertTrue(b.length() == 0 || memory.contains(b.address(), b.length()), "buffer outside RAM: " + b);
                }
                q.addUsed(chain.head(), chain.writableLength());
            }
        } catch (VirtqueueException expected) {
            // a defined device error; anything else fails the property
        }
    }

    @Property(tries = 200)
    void chainsTheMockBuildsComeBackIntact(@ForAll @IntRange(min = 1, max = SIZE) int length,
                                           @ForAll @IntRange(min = 0, max = SIZE) int writableFrom,
                                           @ForAll boolean indirect) throws Exception {
        GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), MEM);
        MockVirtqueue driver = new MockVirtqueue(memory, 0x1000, SIZE);
        Virtqueue q = driver.configure(new Virtqueue(SIZE));
        q.activate(memory, false);
        MockVirtqueue.Seg[] segs = new MockVirtqueue.Seg[length];
        for (int i = 0; i < length; i++) {
            segs[i] = new MockVirtqueue.Seg(0x4000 + 64L * i, 64, i >= writableFrom);
        }
        int head = indirect ? driver.addIndirectChain(0x8000, segs) : driver.addChain(segs);
        DescriptorChain chain = q.pop();
        assertTrue(chain.head() == head);
        assertTrue(chain.buffers().size() == length);
        for (int i = 0; i < length; i++) {
            Buffer b = chain.buffers().get(i);
            assertTrue(b.address() == segs[i].address() && b.writable() == segs[i].writable());
        }
    }
}
