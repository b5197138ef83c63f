package dev.kapsel.devices.virtio.vsock;

import dev.kapsel.bus.RunGate;
import dev.kapsel.devices.virtio.ChainBytes;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.ConfigSpace;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import dev.kapsel.virtio.Virtqueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * virtio-vsock (virtio 1.2, section 5.10; device ID 19): stream sockets between the guest (its CID
 * from the configuration space) and the host (CID 2), with the host side on Unix sockets as
 * {@link VsockMuxer} describes. Queues: 0 receive (device to guest), 1 transmit (guest to device),
 * 2 event (never used: kapsel does not migrate). No feature bits beyond the transport's: stream only.
 *
 * <p>All work runs on one host I/O thread ({@link #start}): it waits on the muxer's selector, and a
 * queue notification only wakes it, so neither vCPUs nor the notification thread wait on sockets.
 * Each round ({@link #pump}) takes the guest's transmit queue, then the host sockets' events, then
 * fills the receive queue.
 *
 * <p>A packet the guest gets wrong (short header, payload longer than {@link #MAX_PAYLOAD} or than its
 * buffers, unknown op, wrong CID or type, data beyond its credit) is answered with a RST and, for a
 * connection, closes it; only a malformed ring stops the device (DEVICE_NEEDS_RESET, reported at the
 * next notification since the I/O thread cannot reach the transport itself).
 */
public final class VsockDevice implements VirtioDevice {
    public static final int DEVICE_ID = 19;
    public static final int QUEUE_SIZE = 256;
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    public static final int EVENT_QUEUE = 2;
    /** Largest payload in one packet either way (Linux's VIRTIO_VSOCK_MAX_PKT_BUF_SIZE). */
    public static final int MAX_PAYLOAD = 64 * 1024;
    /** Guest CIDs 0..2 are reserved (hypervisor, local, host); -1U is VMADDR_CID_ANY. */
    public static final long MIN_GUEST_CID = 3;
    public static final long MAX_GUEST_CID = 0xffff_fffeL;

    private final long guestCid;
    private final VsockMuxer muxer;
    private final MemorySegment packet = Arena.ofAuto().allocate(VsockHeader.SIZE + MAX_PAYLOAD, 8);
    private final ByteBuffer payload = packet.asSlice(VsockHeader.SIZE).asByteBuffer();
    private Activation active;
    /** A receive chain taken while nothing was there to send; the next packet goes into it. */
    private DescriptorChain heldRx;
    /** Why the I/O thread stopped serving the queues; thrown at the next notification. */
    private VirtioDeviceException broken;

    /**
     * Listens on {@code udsPath} (an existing socket file there is replaced).
     *
     * @throws IOException when the Unix socket cannot be bound
     */
    public VsockDevice(long guestCid, Path udsPath) throws IOException {
        if (guestCid < MIN_GUEST_CID || guestCid > MAX_GUEST_CID) {
            throw new IllegalArgumentException("vsock guest CID must be in " + MIN_GUEST_CID + ".." + MAX_GUEST_CID + ", not " + guestCid);
        }
        this.guestCid = guestCid;
        this.muxer = new VsockMuxer(udsPath, guestCid);
    }

    public long guestCid() {
        return guestCid;
    }

    public Path udsPath() {
        return muxer.udsPath();
    }

    /** Open connections (for tests and diagnostics). */
    public synchronized int connectionCount() {
        return muxer.connectionCount();
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
        return new int[] {QUEUE_SIZE, QUEUE_SIZE, QUEUE_SIZE};
    }

    /** virtio_vsock_config: le64 guest_cid. */
    @Override
    public void readConfig(long offset, byte[] data) {
        byte[] config = new byte[8]; // le64 guest_cid
        LittleEndian.put64(config, 0, guestCid);
        ConfigSpace.read(config, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {}

    @Override
    public synchronized void activate(Activation activation) {
        this.active = activation;
        this.broken = null;
        muxer.wakeup();
    }

    @Override
    public synchronized void reset() {
        active = null;
        heldRx = null;
        broken = null;
        muxer.resetAll();
    }

    /** Wakes the I/O thread, which does the work; reports a failure the thread met since. */
    @Override
    public synchronized void processQueue(int index) throws VirtioDeviceException {
        if (broken != null) {
            VirtioDeviceException e = broken;
            broken = null;
            active = null;
            throw e;
        }
        muxer.wakeup();
    }

    /**
     * Starts the I/O thread that serves this device, passing {@code gate} between rounds so the VM
     * can pause and stop it ({@link #wake} gets it out of the selector).
     */
    public Thread start(String name, RunGate gate, Consumer<String> warnings) {
        return gate.start(name, () -> {
            try {
                while (gate.pass()) {
                    muxer.await();
                    pump();
                }
            } catch (IOException | RuntimeException e) {
                warnings.accept("vsock I/O thread stopped: " + e);
            }
        });
    }

    /** Gets the I/O thread out of its selector so it looks at its gate. */
    public void wake() {
        muxer.wakeup();
    }

    /**
     * One round of work: the guest's packets, the host sockets' events, packets for the guest. A
     * malformed ring stops the queues until the driver resets the device.
     */
    public synchronized void pump() {
        if (active == null) {
            muxer.pollHost();
            return;
        }
        try {
            boolean txUsed = transmit();
            muxer.pollHost();
            boolean rxUsed = receive();
            notifyDriver(TX_QUEUE, txUsed);
            notifyDriver(RX_QUEUE, rxUsed);
        } catch (VirtioDeviceException e) {
            broken = e;
            active = null;
            muxer.resetAll();
        }
    }

    private void notifyDriver(int queue, boolean used) {
        Virtqueue q = active.queue(queue);
        if (used && q.needsNotification()) {
            active.interrupt().signalUsedBuffers();
        }
    }

    /** Takes every packet on the transmit queue; returns whether any chain was used. */
    private boolean transmit() throws VirtioDeviceException {
        Virtqueue tx = active.queue(TX_QUEUE);
        if (!tx.isActive()) {
            return false;
        }
        boolean used = false;
        DescriptorChain chain;
        while ((chain = tx.pop()) != null) {
            fromGuest(chain);
            tx.addUsed(chain.head(), 0);
            used = true;
        }
        return used;
    }

    private void fromGuest(DescriptorChain chain) {
        GuestMemory memory = active.memory();
        var readable = chain.readable();
        long available = ChainBytes.length(readable);
        if (available < VsockHeader.SIZE) {
            return; // not even a header: nobody to answer
        }
        ChainBytes.gather(memory, readable, 0, packet.asSlice(0, VsockHeader.SIZE));
        VsockHeader h = VsockHeader.decode(packet);
        long length = h.payloadLength();
        if (length > MAX_PAYLOAD || length > available - VsockHeader.SIZE) {
            muxer.replyReset(h);
            return;
        }
        ChainBytes.gather(memory, readable, VsockHeader.SIZE, packet.asSlice(VsockHeader.SIZE, length));
        payload.clear().limit((int) length);
        muxer.fromGuest(h, payload);
    }

    /** Fills receive chains while the muxer has packets; returns whether any chain was used. */
    private boolean receive() throws VirtioDeviceException {
        Virtqueue rx = active.queue(RX_QUEUE);
        if (!rx.isActive()) {
            return false;
        }
        boolean used = false;
        while (true) {
            if (heldRx == null) {
                if (!muxer.hasPacketsForGuest()) {
                    return used;
                }
                heldRx = rx.pop();
                if (heldRx == null) {
                    return used;
                }
            }
            DescriptorChain chain = heldRx;
            long room = chain.writableLength();
            if (room < VsockHeader.SIZE) {
                heldRx = null;
                rx.addUsed(chain.head(), 0); // no room for a header: hand it back unused
                used = true;
                continue;
            }
            payload.clear().limit((int) Math.min(room - VsockHeader.SIZE, MAX_PAYLOAD));
            VsockHeader h = muxer.nextPacket(payload);
            if (h == null) {
                return used;
            }
            h.encode(packet);
            long total = VsockHeader.SIZE + h.payloadLength();
            ChainBytes.scatter(active.memory(), chain.writable(), 0, packet.asSlice(0, total));
            heldRx = null;
            rx.addUsed(chain.head(), total);
            used = true;
        }
    }

    /** Closes every connection and the listening socket. */
    public synchronized void close() throws IOException {
        muxer.close();
    }
}
