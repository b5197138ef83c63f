package dev.kapsel.devices.virtio.net;

import static dev.kapsel.memory.LittleEndian.U16;

import dev.kapsel.devices.virtio.ChainBytes;
import dev.kapsel.bus.RunGate;
import dev.kapsel.sys.EventFd;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Poll;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.ConfigSpace;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.EventFdNotified;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import dev.kapsel.virtio.Virtqueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * virtio-net (virtio 1.2, section 5.1; device ID 1) on a {@link NetBackend}, normally a tap: queue 0
 * receives frames for the guest, queue 1 transmits the guest's frames.
 *
 * <p>Features, negotiated honestly: VIRTIO_NET_F_MAC, and for each {@link NetOffload} the backend
 * carries, its pair of features: CSUM / GUEST_CSUM, HOST_TSO4 / GUEST_TSO4, HOST_TSO6 / GUEST_TSO6
 * (TSO only with checksum offload, as the spec requires). The 12-byte {@code virtio_net_hdr_v1}
 * (VIRTIO_F_VERSION_1) passes between guest and backend unchanged but for num_buffers = 1 (no
 * MRG_RXBUF: with GUEST_TSO the driver posts 64 KiB receive buffers). At activation the backend is
 * told which offloads the guest accepted; at reset, none. A transmitted header asking for an offload
 * that was not negotiated drops the frame, and so does a received one (a frame queued before the
 * backend was told); DATA_VALID is cleared without GUEST_CSUM.
 *
 * <p>Bounds: a frame is at most {@link #MAX_FRAME} bytes; a transmit chain longer than header plus
 * that, or shorter than a header, is dropped (and returned); a received frame that does not fit the
 * guest's chain is dropped and the chain returned with length 0. Nothing is queued on the host
 * beyond one received frame waiting for a guest buffer.
 *
 * <p>Work runs on one host I/O thread ({@link #start}) polling the tap and a wake-up eventfd that KVM
 * signals directly on a guest kick ({@link EventFdNotified}); a kick through the transport only signals
 * the eventfd, without taking the device lock, so traffic never runs on, or blocks, a vCPU thread.
 * Tests call {@link #pump} instead.
 */
public final class NetDevice implements VirtioDevice, EventFdNotified {
    public static final int DEVICE_ID = 1;
    public static final int QUEUE_SIZE = 256;
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    /** {@code struct virtio_net_hdr_v1}: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
    public static final int HEADER_SIZE = 12;
    /** Largest Ethernet frame either way: 64 KiB of IP plus Ethernet and VLAN headers, as Firecracker. */
    public static final int MAX_FRAME = 65550;

    public static final int F_CSUM = 0;
    public static final int F_GUEST_CSUM = 1;
    public static final int F_MAC = 5;
    public static final int F_GUEST_TSO4 = 7;
    public static final int F_GUEST_TSO6 = 8;
    public static final int F_HOST_TSO4 = 11;
    public static final int F_HOST_TSO6 = 12;


    private final NetBackend backend;
    private final byte[] mac;
    private final long features;
    private final MemorySegment txFrame = Arena.ofAuto().allocate(HEADER_SIZE + MAX_FRAME, 8);
    private final MemorySegment rxFrame = Arena.ofAuto().allocate(HEADER_SIZE + MAX_FRAME, 8);
    /** Length of the received frame waiting in {@link #rxFrame} for a guest buffer, or 0. */
    private int rxPending;
    private Activation active;
    /** Wakes the I/O thread: signalled by KVM's ioeventfd on a guest kick, or by {@link #processQueue}. */
    private final EventFd wakeFd = new EventFd(Libc.EFD_NONBLOCK);
    private final NetCounters counters = new NetCounters();

    public NetDevice(NetBackend backend, byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        this.backend = backend;
        this.mac = mac.clone();
        this.features = offered(backend.offloads());
    }

    private static long offered(Set<NetOffload> offloads) {
        long bits = FeatureBits.TRANSPORT | FeatureBits.bit(F_MAC);
        if (offloads.contains(NetOffload.CHECKSUM)) {
            for (NetOffload o : offloads) {
                bits |= FeatureBits.bit(o.hostFeature) | FeatureBits.bit(o.guestFeature);
            }
        }
        return bits;
    }

    /** Frame counters (drops by cause). */
    public NetCounters counters() {
        return counters;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return features;
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] {QUEUE_SIZE, QUEUE_SIZE};
    }

    /** virtio_net_config: mac[6] first; the rest (status, queue pairs, mtu) is not offered and reads 0. */
    @Override
    public void readConfig(long offset, byte[] data) {
        ConfigSpace.read(mac, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {} // the MAC is read-only in virtio 1.x

    @Override
    public synchronized void activate(Activation activation) {
        Set<NetOffload> accepted = EnumSet.noneOf(NetOffload.class);
        for (NetOffload o : NetOffload.values()) {
            if (FeatureBits.has(activation.features(), o.guestFeature)) {
                accepted.add(o);
            }
        }
        backend.setReceiveOffloads(accepted);
        active = activation;
        wakeFd.signal();
    }

    @Override
    public synchronized void reset() {
        active = null;
        rxPending = 0;
        backend.setReceiveOffloads(Set.of());
    }

    @Override
    public EventFd queueNotifyEventFd() {
        return wakeFd;
    }

    /**
     * Wakes the I/O thread. Takes no lock, so a vCPU (or the transport's notification thread, and the
     * vCPUs waiting on the transport behind it) never waits for frames being moved.
     */
    @Override
    public void processQueue(int index) {
        wakeFd.signal();
    }

    /**
     * One round: send every frame on the transmit queue, then hand received frames to the guest while
     * it has buffers. Returns whether the backend should be polled for input (false while a received
     * frame waits for a guest buffer, or the device is not running). A malformed ring stops the device
     * and is reported through {@link dev.kapsel.virtio.VirtioInterrupt#deviceFailed} (DEVICE_NEEDS_RESET).
     */
    public boolean pump() {
        Activation failedOn;
        VirtioDeviceException failure;
        synchronized (this) {
            if (active == null) {
                return false;
            }
            try {
                transmit();
                return receive();
            } catch (VirtioDeviceException e) {
                failure = e;
                failedOn = active;
                active = null;
            }
        }
        failedOn.interrupt().deviceFailed(failure);
        return false;
    }

    /**
     * Each frame is copied out of the guest, its chain returned (and the driver interrupted if it asked)
     * and only then written to the backend: the guest's TCP stack, which holds transmitted data until
     * completion (TCP small queues, BQL), goes on while the host's network stack takes the frame.
     */
    private void transmit() throws VirtioDeviceException {
        Virtqueue tx = active.queue(TX_QUEUE);
        if (!tx.isActive()) {
            return;
        }
        DescriptorChain chain;
        while ((chain = tx.pop()) != null) {
            MemorySegment frame = copyOut(chain);
            tx.addUsed(chain.head(), 0);
            if (tx.needsNotification()) {
                active.interrupt().signalUsedBuffers();
            }
            if (frame != null) {
                try {
                    backend.write(frame);
                    counters.txFrames++;
                } catch (IOException e) {
                    counters.txBackendErrors++;
                }
            }
        }
    }

    /** The chain's header and frame copied into {@link #txFrame}, or null if it is dropped. */
    private MemorySegment copyOut(DescriptorChain chain) {
        var readable = chain.readable();
        long length = ChainBytes.length(readable);
        if (length < HEADER_SIZE || length > HEADER_SIZE + MAX_FRAME) {
            counters.txBadLength++;
            return null;
        }
        MemorySegment frame = txFrame.asSlice(0, length);
        ChainBytes.gather(active.memory(), readable, 0, frame);
        int flags = frame.get(ValueLayout.JAVA_BYTE, NetHeader.FLAGS) & 0xff;
        int gsoType = frame.get(ValueLayout.JAVA_BYTE, NetHeader.GSO_TYPE) & 0xff;
        if (!NetHeader.transmitAllowed(flags, gsoType, active.features())) {
            counters.txOffloadNotNegotiated++;
            return null;
        }
        return frame;
    }

    /** Returns whether to poll the backend for more input. */
    private boolean receive() throws VirtioDeviceException {
        Virtqueue rx = active.queue(RX_QUEUE);
        if (!rx.isActive()) {
            return false;
        }
        boolean used = false;
        boolean pollBackend = true;
        while (true) {
            if (rxPending == 0) {
                int n = backend.read(rxFrame);
                if (n < 0) {
                    break;
                }
                if (n < HEADER_SIZE) {
                    counters.rxBadLength++;
                    continue;
                }
                int flags = NetHeader.receiveFlags(rxFrame.get(ValueLayout.JAVA_BYTE, NetHeader.FLAGS) & 0xff,
                        rxFrame.get(ValueLayout.JAVA_BYTE, NetHeader.GSO_TYPE) & 0xff, active.features());
                if (flags < 0) {
                    counters.rxOffloadNotNegotiated++;
                    continue;
                }
                rxFrame.set(ValueLayout.JAVA_BYTE, NetHeader.FLAGS, (byte) flags);
                rxFrame.set(U16, NetHeader.NUM_BUFFERS, (short) 1);
                rxPending = n;
            }
            DescriptorChain chain = rx.pop();
            if (chain == null) {
                pollBackend = false; // the frame waits for the guest's next receive buffers
                break;
            }
            long written = 0;
            if (chain.writableLength() < rxPending) {
                counters.rxDroppedTooSmall++;
            } else {
                written = ChainBytes.scatter(active.memory(), chain.writable(), 0, rxFrame.asSlice(0, rxPending));
                counters.rxFrames++;
            }
            rxPending = 0;
            rx.addUsed(chain.head(), written);
            used = true;
        }
        if (used && rx.needsNotification()) {
            active.interrupt().signalUsedBuffers();
        }
        return pollBackend;
    }

    /**
     * Starts the I/O thread: it polls the backend (while the guest has room) and the wake-up eventfd,
     * and runs {@link #pump} on either, passing {@code gate} between rounds so the VM can pause and
     * stop it ({@link #wake} gets it out of poll).
     */
    public Thread start(String name, RunGate gate, Consumer<String> warnings) {
        return gate.start(name, () -> {
            try {
                Poll fds = new Poll(2);
                boolean pollBackend = false;
                while (gate.pass()) {
                    fds.set(0, wakeFd.fd(), Poll.POLLIN);
                    fds.set(1, pollBackend ? backend.pollFd() : -1, Poll.POLLIN);
                    fds.poll(-1);
                    if (fds.revents(0) != 0) {
                        wakeFd.read();
                    }
                    pollBackend = pump();
                }
            } catch (RuntimeException e) {
                warnings.accept("virtio-net I/O thread " + name + " stopped: " + e);
            }
        });
    }

    /** Gets the I/O thread out of poll so it looks at its gate. */
    public void wake() {
        wakeFd.signal();
    }

    /** The wake-up eventfd; the backend is closed by its owner. Call after the I/O thread has ended. */
    public void close() {
        wakeFd.close();
    }
}
