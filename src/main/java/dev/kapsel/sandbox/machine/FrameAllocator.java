package dev.kapsel.sandbox.machine;

import dev.kapsel.memory.GuestMemory;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Hands out zeroed 4 KiB guest-physical frames from {@link KernelLayout#FRAMES_START} to the end of
 * guest memory, reusing freed ones first. The end of guest memory is the sandbox's memory limit:
 * when it is reached, {@link #allocate()} throws {@link OutOfFramesException}.
 *
 * <p>A frame that has once been a page-table page is never a page-table page again, only data
 * ({@link #allocateTable()} takes only frames that never were one). A shadow-paging KVM (kvm_pvm
 * here) keeps a shadow page per guest page-table frame and does not see the host-side writes the
 * Java kernel makes; if the frame became a table again, KVM could find that shadow page with the
 * old translations in it and let the program reach frames it no longer owns. As a data frame the
 * old shadow page is never linked in again. Freeing a frame twice, or one never handed out, is a
 * kernel bug and throws.
 */
public final class FrameAllocator {
    private final GuestMemory memory;
    private final long end;
    /** Freed frames that never held a page table: fit for anything. */
    private final ArrayDeque<Long> clean = new ArrayDeque<>();
    /** Freed frames that once held a page table: data only. */
    private final ArrayDeque<Long> formerTables = new ArrayDeque<>();
    private final BitSet wasTable = new BitSet();
    private final BitSet free = new BitSet();
    private long next = KernelLayout.FRAMES_START;
    private long inUse;

    public FrameAllocator(GuestMemory memory) {
        this.memory = memory;
        this.end = memory.end();
    }

    /** A zeroed frame for user data (or the kernel's own per-CPU pages). */
    public synchronized long allocate() {
        long frame;
        if (!formerTables.isEmpty()) {
            frame = formerTables.pop();
        } else if (!clean.isEmpty()) {
            frame = clean.pop();
        } else {
            frame = bump();
        }
        return handOut(frame);
    }

    /** A zeroed frame for a page-table page: one that never held a page table before. */
    public synchronized long allocateTable() {
        long frame = clean.isEmpty() ? bump() : clean.pop();
        wasTable.set(index(frame));
        return handOut(frame);
    }

    private long bump() {
        if (next + KernelLayout.PAGE_SIZE > end) {
            throw new OutOfFramesException(end);
        }
        long frame = next;
        next += KernelLayout.PAGE_SIZE;
        return frame;
    }

    private long handOut(long frame) {
        free.clear(index(frame));
        memory.fill(frame, KernelLayout.PAGE_SIZE, (byte) 0);
        inUse++;
        return frame;
    }

    private static int index(long frame) {
        return (int) ((frame - KernelLayout.FRAMES_START) >>> 12);
    }

    public synchronized void free(long frame) {
        if (frame < KernelLayout.FRAMES_START || frame >= next || (frame & 0xfff) != 0) {
            throw new IllegalArgumentException(String.format("not an allocated frame: 0x%x", frame));
        }
        int i = index(frame);
        if (free.get(i)) {
            throw new IllegalStateException(String.format("frame 0x%x freed twice", frame));
        }
        free.set(i);
        (wasTable.get(i) ? formerTables : clean).push(frame);
        inUse--;
    }

    /** Is {@code frame} handed out now (not free, and below the allocation front)? */
    public synchronized boolean inUse(long frame) {
        return frame >= KernelLayout.FRAMES_START && frame < next && !free.get(index(frame));
    }

    /** Frames handed out and not freed. */
    public synchronized long framesInUse() {
        return inUse;
    }
}
