package dev.kapsel.devices.virtio.net;

import java.lang.foreign.MemorySegment;

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
}
