package dev.kapsel.virtio;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtqueueTest {
    private static final long MEM = 1 << 20;
    private final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), MEM);
    private final MockVirtqueue driver = new MockVirtqueue(memory, 0x1000, 16);

    private Virtqueue active(boolean eventIdx) throws VirtqueueException {
        Virtqueue q = driver.configure(new Virtqueue(256));
        q.activate(memory, eventIdx);
        return q;
    }

    @Test
    void popReturnsTheChainReadableFirstAndAddUsedPublishesIt() throws Exception {
        Virtqueue q = active(false);
        int head = driver.addChain(Seg.readable(0x10000, 16), Seg.writable(0x20000, 512), Seg.writable(0x30000, 1));
        DescriptorChain chain = q.pop();
        assertEquals(head, chain.head());
        assertEquals(List.of(new Buffer(0x10000, 16, false), new Buffer(0x20000, 512, true), new Buffer(0x30000, 1, true)),
                chain.buffers());
        assertEquals(513, chain.writableLength());
        assertNull(q.pop());
        q.addUsed(chain.head(), 513);
        assertEquals(1, driver.usedIdx());
        assertEquals(head, driver.usedId(0));
        assertEquals(513, driver.usedLen(0));
    }

    @Test
    void indirectTablesAreFollowed() throws Exception {
        Virtqueue q = active(false);
        int head = driver.addIndirectChain(0x8000, Seg.readable(0x10000, 16), Seg.writable(0x20000, 4096));
        DescriptorChain chain = q.pop();
        assertEquals(head, chain.head());
        assertEquals(List.of(new Buffer(0x10000, 16, false), new Buffer(0x20000, 4096, true)), chain.buffers());
    }

    @Test
    void zeroLengthDescriptorsAnywhereAreLeftOutOfTheChain() throws Exception {
        Virtqueue q = active(false);
        // virtio allows a zero-length buffer at any address, even one no RAM backs: it names no guest byte
        int head = driver.addChain(Seg.readable(0xffff_ffff_ffff_ff00L, 0), Seg.readable(0x10000, 16),
                Seg.writable(0x7fff_0000_0000L, 0), Seg.writable(0x20000, 8));
        DescriptorChain chain = q.pop();
        assertEquals(head, chain.head());
        assertEquals(List.of(new Buffer(0x10000, 16, false), new Buffer(0x20000, 8, true)), chain.buffers());
    }

    @Test
    void availIndexWrapsAround() throws Exception {
        Virtqueue q = active(false);
        for (int i = 0; i < 70000; i++) {
            driver.addChain(Seg.writable(0x10000, 8));
            DescriptorChain c = q.pop();
            assertNotNull(c, "round " + i);
            q.addUsed(c.head(), 8);
        }
        assertEquals(70000 & 0xffff, driver.usedIdx());
    }

    @Test
    void withoutEventIdxTheNoInterruptFlagSuppresses() throws Exception {
        Virtqueue q = active(false);
        driver.addChain(Seg.writable(0x10000, 8));
        q.addUsed(q.pop().head(), 8);
        assertTrue(q.needsNotification());
        driver.setAvailFlags(1);
        assertFalse(q.needsNotification());
    }

    @Test
    void eventIdxNotifiesOnlyWhenUsedIndexPassesUsedEvent() throws Exception {
        Virtqueue q = active(true);
        driver.setUsedEvent(2); // "interrupt me once entry 2 is used", i.e. when used.idx goes 2 -> 3
        for (int i = 0; i < 3; i++) {
            driver.addChain(Seg.writable(0x10000, 8));
        }
        q.addUsed(q.pop().head(), 8);
        assertFalse(q.needsNotification());
        q.addUsed(q.pop().head(), 8);
        assertFalse(q.needsNotification());
        q.addUsed(q.pop().head(), 8);
        assertTrue(q.needsNotification());
        assertFalse(q.needsNotification(), "nothing new since the last notification");
    }

    @Test
    void anEmptyQueueWithEventIdxPublishesAvailEvent() throws Exception {
        Virtqueue q = active(true);
        driver.addChain(Seg.writable(0x10000, 8));
        driver.addChain(Seg.writable(0x10000, 8));
        assertNotNull(q.pop());
        assertNotNull(q.pop());
        assertNull(q.pop());
        assertEquals(2, driver.availEvent());
    }

    @Test
    void anAvailIndexMoreThanTheSizeAheadIsRejected() throws Exception {
        Virtqueue q = active(false);
        driver.setAvailIdx(17);
        assertThrows(VirtqueueException.AvailIndexTooFarAhead.class, q::pop);
    }

    @Test
    void aHeadOutsideTheTableIsRejected() throws Exception {
        Virtqueue q = active(false);
        driver.publish(16);
        assertThrows(VirtqueueException.DescriptorIndexOutOfRange.class, q::pop);
    }

    @Test
    void aLoopingChainEnds() throws Exception {
        Virtqueue q = active(false);
        driver.writeDescriptor(0, 0x10000, 8, VirtqDescriptor.F_NEXT, 1);
        driver.writeDescriptor(1, 0x10000, 8, VirtqDescriptor.F_NEXT, 0);
        driver.publish(0);
        assertThrows(VirtqueueException.ChainTooLong.class, q::pop);
    }

    @Test
    void aBufferOutsideGuestMemoryIsRejected() throws Exception {
        Virtqueue q = active(false);
        driver.addChain(Seg.writable(MEM - 4, 8));
        assertThrows(VirtqueueException.BufferOutsideMemory.class, q::pop);
    }

    @Test
    void aBufferAtAHugeAddressIsRejected() throws Exception {
        Virtqueue q = active(false);
        driver.writeDescriptor(0, -16, 32, 0, 0);
        driver.publish(0);
        assertThrows(VirtqueueException.BufferOutsideMemory.class, q::pop);
    }

    @Test
    void badIndirectTablesAreRejected() throws Exception {
        Virtqueue q = active(false);
        driver.writeDescriptor(0, 0x8000, 17, VirtqDescriptor.F_INDIRECT, 0); // not whole descriptors
        driver.publish(0);
        assertThrows(VirtqueueException.BadIndirectTable.class, q::pop);
        Virtqueue q2 = active(false);
        driver.writeDescriptor(0, 0x8000, 0, VirtqDescriptor.F_INDIRECT, 0);
        assertThrows(VirtqueueException.BadIndirectTable.class, q2::pop);
        Virtqueue q3 = active(false);
        driver.writeDescriptor(0, 0x8000, 16 * 17, VirtqDescriptor.F_INDIRECT, 0); // longer than the queue
        assertThrows(VirtqueueException.BadIndirectTable.class, q3::pop);
        Virtqueue q4 = active(false);
        driver.writeDescriptor(0, MEM - 16, 32, VirtqDescriptor.F_INDIRECT, 0);
        assertThrows(VirtqueueException.BadIndirectTable.class, q4::pop);
    }

    @Test
    void nestedIndirectAndIndirectWithNextAreRejected() throws Exception {
        Virtqueue q = active(false);
        driver.writeDescriptorAt(0x8000, 0, 0x9000, 16, VirtqDescriptor.F_INDIRECT, 0);
        driver.writeDescriptor(0, 0x8000, 16, VirtqDescriptor.F_INDIRECT, 0);
        driver.publish(0);
        assertThrows(VirtqueueException.NestedIndirect.class, q::pop);
        Virtqueue q2 = active(false);
        driver.writeDescriptor(0, 0x8000, 16, VirtqDescriptor.F_INDIRECT | VirtqDescriptor.F_NEXT, 1);
        assertThrows(VirtqueueException.IndirectWithNext.class, q2::pop);
    }

    @Test
    void aReadableBufferAfterAWritableOneIsRejected() throws Exception {
        Virtqueue q = active(false);
        driver.addChain(Seg.writable(0x10000, 8), Seg.readable(0x20000, 8));
        assertThrows(VirtqueueException.ReadableAfterWritable.class, q::pop);
    }

    @Test
    void activationChecksSizeAndRings() {
        Virtqueue q = driver.configure(new Virtqueue(256));
        q.setSize(12);
        assertThrows(VirtqueueException.BadQueueSize.class, () -> q.activate(memory, false));
        q.setSize(512);
        assertThrows(VirtqueueException.BadQueueSize.class, () -> q.activate(memory, false));
        q.setSize(16);
        q.setUsedRing(MEM - 8);
        assertThrows(VirtqueueException.RingOutsideMemory.class, () -> q.activate(memory, false));
        q.setUsedRing(0x3002);
        assertThrows(VirtqueueException.RingOutsideMemory.class, () -> q.activate(memory, false));
    }
}
