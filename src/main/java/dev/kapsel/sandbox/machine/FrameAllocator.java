package dev.kapsel.sandbox.machine;

import dev.kapsel.memory.GuestMemory;
import java.util.ArrayDeque;

/**
 * Hands out zeroed 4 KiB guest-physical frames from {@link KernelLayout#FRAMES_START} to the end of
 * guest memory, reusing freed ones first. The end of guest memory is the sandbox's memory limit:
 * when it is reached, {@link #allocate()} throws {@link OutOfFramesException}.
 */
public final class FrameAllocator {
    private final GuestMemory memory;
    private final long end;
    private final ArrayDeque<Long> free = new ArrayDeque<>();
    private long next = KernelLayout.FRAMES_START;
    private long inUse;

    public FrameAllocator(GuestMemory memory) {
        this.memory = memory;
        this.end = memory.end();
    }

    public synchronized long allocate() {
        long frame;
        if (!free.isEmpty()) {
            frame = free.pop();
        } else if (next + KernelLayout.PAGE_SIZE <= end) {
            frame = next;
            next += KernelLayout.PAGE_SIZE;
        } else {
            throw new OutOfFramesException(end);
        }
        memory.fill(frame, KernelLayout.PAGE_SIZE, (byte) 0);
        inUse++;
        return frame;
    }

    public synchronized void free(long frame) {
        if (frame < KernelLayout.FRAMES_START || frame >= end || (frame & 0xfff) != 0) {
            throw new IllegalArgumentException(String.format("not a frame: 0x%x", frame));
        }
        free.push(frame);
        inUse--;
    }

    /** Frames handed out and not freed. */
    public synchronized long framesInUse() {
        return inUse;
    }
}
