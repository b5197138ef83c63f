package dev.kapsel.devices.virtio.fs;

import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.ConfigSpace;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import java.nio.charset.StandardCharsets;

/**
 * virtio-fs (virtio 1.2, section 5.11; device ID 26): a host directory the guest mounts with
 * {@code mount -t virtiofs TAG DIR}. Queue 0 is the high-priority queue (FORGET, BATCH_FORGET and
 * INTERRUPT, which have no reply), queue 1 the one request queue; both carry FUSE messages, request
 * in the readable buffers and reply in the writable ones, served by one {@link FileServer}.
 * Configuration space: {@code u8 tag[36]; le32 num_request_queues;}. No notification queue
 * (VIRTIO_FS_F_NOTIFICATION) and no DAX window.
 *
 * <p>A plain device: called under the transport lock, requests are served one after another.
 */
public final class FsDevice implements VirtioDevice {
    public static final int DEVICE_ID = 26;
    public static final int QUEUE_SIZE = 256;
    public static final int TAG_BYTES = 36;
    static final int HIPRIO_QUEUE = 0;
    static final int REQUEST_QUEUE = 1;
    private static final int CONFIG_SIZE = TAG_BYTES + 4;

    private final FileServer server;
    private final byte[] config = new byte[CONFIG_SIZE];
    private Activation active;

    /** @param tag what the guest names the file system by: 1..36 bytes, no NUL */
    public FsDevice(String tag, FileServer server) {
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        if (t.length == 0 || t.length > TAG_BYTES || tag.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("virtio-fs tag must be 1 to " + TAG_BYTES + " bytes without NUL: " + tag);
        }
        System.arraycopy(t, 0, config, 0, t.length);
        config[TAG_BYTES] = 1; // num_request_queues, little-endian
        this.server = server;
    }

    public FileServer server() {
        return server;
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
        return new int[] {QUEUE_SIZE, QUEUE_SIZE};
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        ConfigSpace.read(config, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {
        // read-only for the driver
    }

    @Override
    public void activate(Activation activation) {
        this.active = activation;
    }

    @Override
    public void processQueue(int index) throws VirtioDeviceException {
        if (index != HIPRIO_QUEUE && index != REQUEST_QUEUE) {
            return;
        }
        Activation a = active;
        a.serveQueue(index, chain -> server.serve(a.memory(), chain));
    }

    @Override
    public void reset() {
        active = null;
        server.reset();
    }
}
