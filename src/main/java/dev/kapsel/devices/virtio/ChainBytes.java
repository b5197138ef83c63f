package dev.kapsel.devices.virtio;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.Buffer;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Copies between a host segment and the buffers of a descriptor chain seen as one byte stream: a
 * packet's header and payload may be split across descriptors anywhere. Every copy is bounded by both
 * sides' lengths; the buffers were checked against guest RAM when the chain was resolved, and
 * {@link GuestMemory#slice} checks again.
 */
public final class ChainBytes {
    private ChainBytes() {}

    /** Total length of {@code buffers}. */
    public static long length(List<Buffer> buffers) {
        long total = 0;
        for (Buffer b : buffers) {
            total += b.length();
        }
        return total;
    }

    /**
     * Copies up to {@code dst.byteSize()} bytes of the stream, starting {@code skip} bytes in, into
     * {@code dst}; returns how many it copied (fewer when the stream ends first).
     */
    public static long gather(GuestMemory memory, List<Buffer> buffers, long skip, MemorySegment dst) {
        long copied = 0;
        long want = dst.byteSize();
        for (Buffer b : buffers) {
            if (copied == want) {
                break;
            }
            if (skip >= b.length()) {
                skip -= b.length();
                continue;
            }
            long n = Math.min(b.length() - skip, want - copied);
            MemorySegment.copy(memory.slice(b.address() + skip, n), 0, dst, copied, n);
            copied += n;
            skip = 0;
        }
        return copied;
    }

    /**
     * Copies {@code src} into the stream, starting {@code skip} bytes in; returns how many bytes it
     * copied (fewer when the buffers end first).
     */
    public static long scatter(GuestMemory memory, List<Buffer> buffers, long skip, MemorySegment src) {
        long copied = 0;
        long have = src.byteSize();
        for (Buffer b : buffers) {
            if (copied == have) {
                break;
            }
            if (skip >= b.length()) {
                skip -= b.length();
                continue;
            }
            long n = Math.min(b.length() - skip, have - copied);
            MemorySegment.copy(src, copied, memory.slice(b.address() + skip, n), 0, n);
            copied += n;
            skip = 0;
        }
        return copied;
    }
}
