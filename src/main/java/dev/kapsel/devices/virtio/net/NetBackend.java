package dev.kapsel.devices.virtio.net;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * Where a virtio-net device's frames go and come from: each frame preceded by the 12-byte
 * {@code virtio_net_hdr_v1}, exactly as a tap with IFF_VNET_HDR passes them. Non-blocking.
 */
public interface NetBackend {
    /** Reads one header-and-frame into {@code buffer}; its length, or -1 when none waits. */
    int read(MemorySegment buffer);

    /** Sends one header-and-frame. A failure drops the frame (a network may drop frames). */
    void write(MemorySegment frame) throws java.io.IOException;

    /** The file descriptor the I/O thread polls for readability, or -1 if it cannot be polled. */
    int pollFd();

    /**
     * The offloads this backend takes in written headers and can be asked to use in read ones; none
     * by default (every frame whole, checksums done, header flags and GSO type 0).
     */
    default Set<NetOffload> offloads() {
        return Set.of();
    }

    /**
     * Which of {@link #offloads} frames handed out by {@link #read} may use from now on (what the guest
     * accepted); the others arrive finished. Frames already queued may still carry earlier ones.
     */
    default void setReceiveOffloads(Set<NetOffload> allowed) {}
}
