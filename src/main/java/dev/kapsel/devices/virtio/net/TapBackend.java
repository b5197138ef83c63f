package dev.kapsel.devices.virtio.net;

import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.Tap;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** A {@link NetBackend} on a host tap device with 12-byte virtio-net headers and no offloads. */
public final class TapBackend implements NetBackend {
    private final Tap tap;

    private TapBackend(Tap tap) {
        this.tap = tap;
    }

    /** Attaches to the existing tap interface {@code name}. */
    public static TapBackend open(String name) {
        return new TapBackend(Tap.open(name, NetDevice.HEADER_SIZE));
    }

    @Override
    public int read(MemorySegment buffer) {
        return tap.read(buffer);
    }

    @Override
    public void write(MemorySegment frame) throws IOException {
        try {
            tap.write(frame);
        } catch (SyscallException e) {
            throw new IOException("tap " + tap.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int pollFd() {
        return tap.fd();
    }
}
