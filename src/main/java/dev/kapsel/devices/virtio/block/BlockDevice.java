package dev.kapsel.devices.virtio.block;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.Buffer;
import dev.kapsel.virtio.ConfigSpace;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * virtio-blk (virtio 1.2, section 5.2; device ID 2) over a {@link DiskImage}: one request queue,
 * requests IN, OUT, FLUSH and GET_ID. Offers VIRTIO_BLK_F_FLUSH and VIRTIO_BLK_F_SEG_MAX, and
 * VIRTIO_BLK_F_RO for a read-only image, which Linux then shows as a read-only disk. Every request is
 * checked against the capacity before any I/O, so no guest request reads or writes past the image.
 */
public final class BlockDevice implements VirtioDevice {
    public static final int DEVICE_ID = 2;
    public static final int QUEUE_SIZE = 256;
    /** Bytes of the GET_ID answer. */
    public static final int ID_BYTES = 20;

    public static final int F_SEG_MAX = 2;
    public static final int F_RO = 5;
    public static final int F_FLUSH = 9;

    /** virtio_blk_config: capacity (le64) at 0, seg_max (le32) at 12; the rest reads as 0. */
    private static final int CONFIG_SIZE = 24;

    private final DiskImage image;
    private final byte[] id;
    private final byte[] config;
    private Activation active;

    /** @param serial what GET_ID returns (the guest's /sys/block/vdX/serial); cut to 20 bytes of ASCII */
    public BlockDevice(DiskImage image, String serial) {
        this.image = image;
        this.id = Arrays.copyOf(serial.getBytes(StandardCharsets.US_ASCII), Math.min(ID_BYTES, serial.length()));
        this.config = new byte[CONFIG_SIZE];
        LittleEndian.put64(config, 0, image.sectors());
        LittleEndian.put32(config, 12, QUEUE_SIZE - 2); // header and status take two descriptors of a chain
    }

    public DiskImage image() {
        return image;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        long features = FeatureBits.TRANSPORT | FeatureBits.bit(F_SEG_MAX) | FeatureBits.bit(F_FLUSH);
        return image.readOnly() ? features | FeatureBits.bit(F_RO) : features;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] {QUEUE_SIZE};
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        ConfigSpace.read(config, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {} // writeback-cache toggling is not offered

    @Override
    public void activate(Activation activation) {
        this.active = activation;
    }

    @Override
    public void reset() {
        this.active = null;
    }

    /** Serves each available request, returns it, and interrupts the driver if it asked to be. */
    @Override
    public void processQueue(int index) throws VirtioDeviceException {
        active.serveQueue(0, this::serve);
    }

    /** Runs one request and writes its status; returns the bytes written into the chain. */
    private long serve(DescriptorChain chain) {
        GuestMemory memory = active.memory();
        long statusAddress = BlockRequest.statusAddress(chain);
        if (statusAddress < 0) {
            return 0; // nowhere to answer: hand the chain back empty
        }
        long written;
        int status;
        try {
            written = execute(memory, BlockRequest.parse(memory, chain));
            status = BlockRequest.S_OK;
        } catch (BlockRequestException e) {
            written = 0;
            status = e.status();
        }
        memory.writeU8(statusAddress, status);
        return written + 1;
    }

    /** Returns the data bytes written into guest buffers. */
    private long execute(GuestMemory memory, BlockRequest request) throws BlockRequestException {
        return switch (request.type()) {
            case BlockRequest.T_IN -> read(memory, request);
            case BlockRequest.T_OUT -> write(memory, request);
            case BlockRequest.T_FLUSH -> flush();
            case BlockRequest.T_GET_ID -> getId(memory, request);
            default -> throw new BlockRequestException.Unsupported(request.type());
        };
    }

    private long read(GuestMemory memory, BlockRequest request) throws BlockRequestException {
        requireDirection(request, true);
        long position = position(request);
        try {
            for (Buffer b : request.data()) {
                image.read(position, memory.slice(b.address(), b.length()));
                position += b.length();
            }
        } catch (IOException e) {
            throw new BlockRequestException.HostIo(e);
        }
        return request.dataLength();
    }

    private long write(GuestMemory memory, BlockRequest request) throws BlockRequestException {
        if (image.readOnly()) {
            throw new BlockRequestException.ReadOnly();
        }
        requireDirection(request, false);
        long position = position(request);
        try {
            for (Buffer b : request.data()) {
                image.write(position, memory.slice(b.address(), b.length()));
                position += b.length();
            }
        } catch (IOException e) {
            throw new BlockRequestException.HostIo(e);
        }
        return 0;
    }

    private long flush() throws BlockRequestException {
        try {
            if (!image.readOnly()) {
                image.flush();
            }
        } catch (IOException e) {
            throw new BlockRequestException.HostIo(e);
        }
        return 0;
    }

    private long getId(GuestMemory memory, BlockRequest request) throws BlockRequestException {
        requireDirection(request, true);
        byte[] answer = Arrays.copyOf(id, ID_BYTES); // NUL-padded; no NUL if the serial is 20 bytes
        int done = 0;
        for (Buffer b : request.data()) {
            int n = (int) Math.min(b.length(), ID_BYTES - done);
            memory.write(b.address(), answer, done, n);
            done += n;
        }
        return done;
    }

    private static void requireDirection(BlockRequest request, boolean writable) throws BlockRequestException {
        for (Buffer b : request.data()) {
            if (b.writable() != writable) {
                throw new BlockRequestException.WrongDataDirection(request.type());
            }
        }
    }

    /** Byte offset of the request, after checking that all its data lies inside the disk. */
    private long position(BlockRequest request) throws BlockRequestException {
        long sector = request.sector();
        long bytes = request.dataLength();
        long capacity = image.sectors();
        if (Long.compareUnsigned(sector, capacity) > 0 || bytes > (capacity - sector) * DiskImage.SECTOR_SIZE) {
            throw new BlockRequestException.OutOfRange(sector, bytes, capacity);
        }
        return sector * DiskImage.SECTOR_SIZE;
    }
}
