package dev.kapsel.devices.virtio.rng;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.Buffer;
import dev.kapsel.virtio.ConfigSpace;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * virtio-rng (virtio 1.2, section 5.4; device ID 4): one request queue whose device-writable buffers
 * the device fills with host entropy, read from {@code /dev/urandom}. No features, no configuration.
 *
 * <p>Each request is filled with at most {@link #MAX_BYTES_PER_REQUEST} bytes. The guest chooses the
 * buffer lengths (up to 4 GiB each, a whole queue of them); without a cap one notification could have
 * the host read gigabytes from the entropy source while holding the device, and a guest could turn
 * the VMM into a CPU and entropy sink. The driver asks for a few dozen bytes at a time and copes with
 * short answers (the used length says how many bytes are valid).
 */
public final class EntropyDevice implements VirtioDevice {
    public static final int DEVICE_ID = 4;
    public static final int QUEUE_SIZE = 256;
    /** virtio-rng has no configuration space: every driver read of it gives zeros. */
    private static final byte[] NO_CONFIG = {};
    public static final int MAX_BYTES_PER_REQUEST = 64 * 1024;

    private final ReadableByteChannel source;
    private Activation active;

    /** @param source the entropy source; {@link #hostEntropy()} in the VMM */
    public EntropyDevice(ReadableByteChannel source) {
        this.source = source;
    }

    /** The host's {@code /dev/urandom}, which never blocks once the host has booted. */
    public static ReadableByteChannel hostEntropy() throws IOException {
        return FileChannel.open(Path.of("/dev/urandom"), StandardOpenOption.READ);
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return FeatureBits.TRANSPORT;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] {QUEUE_SIZE};
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        ConfigSpace.read(NO_CONFIG, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {}

    @Override
    public void activate(Activation activation) {
        this.active = activation;
    }

    @Override
    public void reset() {
        this.active = null;
    }

    /** Fills each available chain, returns it, and interrupts the driver if it asked to be. */
    @Override
    public void processQueue(int index) throws VirtioDeviceException {
        active.serveQueue(0, this::fill);
    }

    /** Writes entropy into the chain's writable buffers, up to the per-request cap; returns the bytes written. */
    private long fill(DescriptorChain chain) throws EntropySourceException {
        GuestMemory memory = active.memory();
        long budget = MAX_BYTES_PER_REQUEST;
        long written = 0;
        for (Buffer b : chain.writable()) {
            if (budget == 0) {
                break;
            }
            int length = (int) Math.min(b.length(), budget);
            ByteBuffer target = memory.slice(b.address(), length).asByteBuffer();
            try {
                while (target.hasRemaining()) {
                    if (source.read(target) < 0) {
                        throw new EntropySourceException("the host entropy source ended", null);
                    }
                }
            } catch (IOException e) {
                throw new EntropySourceException("reading host entropy failed: " + e.getMessage(), e);
            }
            written += length;
            budget -= length;
        }
        return written;
    }
}
