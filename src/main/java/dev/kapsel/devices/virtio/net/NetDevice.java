package dev.kapsel.devices.virtio.net;

import dev.kapsel.devices.virtio.ChainBytes;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.EventFd;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import dev.kapsel.virtio.Virtqueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * virtio-net (virtio 1.2, section 5.1; device ID 1) on a {@link NetBackend}, normally a tap: queue 0
 * receives frames for the guest, queue 1 transmits the guest's frames.
 *
 * <p>Features, negotiated honestly: VIRTIO_NET_F_MAC and nothing else. No checksum or segmentation
 * offload is offered (and the tap is told so with TUNSETOFFLOAD 0), so every frame either way is a
 * whole Ethernet frame with its checksums done and a {@code virtio_net_hdr_v1} of 12 bytes
 * (VIRTIO_F_VERSION_1) whose flags and gso_type are 0. A transmitted header asking for an offload
 * was not negotiated and the frame is dropped; received headers get num_buffers = 1.
 *
 * <p>Bounds: a frame is at most {@link #MAX_FRAME} bytes; a transmit chain longer than header plus
 * that, or shorter than a header, is dropped (and returned); a received frame that does not fit the
 * guest's chain is dropped and the chain returned with length 0. Nothing is queued on the host
 * beyond one received frame waiting for a guest buffer.
 *
 * <p>Work runs on one host I/O thread ({@link #start}) polling the tap and a wake-up eventfd; a queue
 * notification only signals the eventfd, so traffic never runs on a vCPU thread. Tests call
 * {@link #pump} instead.
 */
public final class NetDevice implements VirtioDevice {
    public static final int DEVICE_ID = 1;
    public static final int QUEUE_SIZE = 256;
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    /** {@code struct virtio_net_hdr_v1}: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
    public static final int HEADER_SIZE = 12;
    /** Largest Ethernet frame either way: 64 KiB of IP plus Ethernet and VLAN headers, as Firecracker. */
    public static final int MAX_FRAME = 65550;

    public static final int F_MAC = 5;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long NUM_BUFFERS = 10;
    private static final long POLLFD_SIZE = 8;

    private final NetBackend backend;
    private final byte[] mac;
    private final MemorySegment txFrame = Arena.ofAuto().allocate(HEADER_SIZE + MAX_FRAME, 8);
    private final MemorySegment rxFrame = Arena.ofAuto().allocate(HEADER_SIZE + MAX_FRAME, 8);
    /** Length of the received frame waiting in {@link #rxFrame} for a guest buffer, or 0. */
    private int rxPending;
    private Activation active;
    private VirtioDeviceException broken;
    private Runnable wake = () -> {};
    private final NetCounters counters = new NetCounters();

    public NetDevice(NetBackend backend, byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        this.backend = backend;
        this.mac = mac.clone();
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
        return FeatureBits.TRANSPORT | FeatureBits.bit(F_MAC);
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] {QUEUE_SIZE, QUEUE_SIZE};
    }

    /** virtio_net_config: mac[6] first; the rest (status, queue pairs, mtu) is not offered and reads 0. */
    @Override
    public void readConfig(long offset, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            long at = offset + i;
            data[i] = at >= 0 && at < 6 ? mac[(int) at] : 0;
        }
    }

    @Override
    public void writeConfig(long offset, byte[] data) {} // the MAC is read-only in virtio 1.x

    @Override
    public synchronized void activate(Activation activation) {
        active = activation;
        broken = null;
        wake.run();
    }

    @Override
    public synchronized void reset() {
        active = null;
        broken = null;
        rxPending = 0;
    }

    /** Wakes the I/O thread; reports a ring failure it met since. */
    @Override
    public synchronized void processQueue(int index) throws VirtioDeviceException {
        if (broken != null) {
            VirtioDeviceException e = broken;
            broken = null;
            throw e;
        }
        wake.run();
    }

    /**
     * One round: send every frame on the transmit queue, then hand received frames to the guest while
     * it has buffers. Returns whether the backend should be polled for input (false while a received
     * frame waits for a guest buffer, or the device is not running).
     */
    public synchronized boolean pump() {
        if (active == null) {
            return false;
        }
        try {
            transmit();
            return receive();
        } catch (VirtioDeviceException e) {
            broken = e;
            active = null;
            return false;
        }
    }

    private void transmit() throws VirtioDeviceException {
        Virtqueue tx = active.queue(TX_QUEUE);
        if (!tx.isActive()) {
            return;
        }
        boolean used = false;
        DescriptorChain chain;
        while ((chain = tx.pop()) != null) {
            send(chain);
            tx.addUsed(chain.head(), 0);
            used = true;
        }
        if (used && tx.needsNotification()) {
            active.interrupt().signalUsedBuffers();
        }
    }

    private void send(DescriptorChain chain) {
        var readable = chain.readable();
        long length = ChainBytes.length(readable);
        if (length < HEADER_SIZE || length > HEADER_SIZE + MAX_FRAME) {
            counters.txBadLength++;
            return;
        }
        MemorySegment frame = txFrame.asSlice(0, length);
        ChainBytes.gather(active.memory(), readable, 0, frame);
        if (frame.get(ValueLayout.JAVA_BYTE, 0) != 0 || frame.get(ValueLayout.JAVA_BYTE, 1) != 0) {
            counters.txOffloadNotNegotiated++;
            return;
        }
        try {
            backend.write(frame);
            counters.txFrames++;
        } catch (IOException e) {
            counters.txBackendErrors++;
        }
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
                rxFrame.set(U16, NUM_BUFFERS, (short) 1);
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
     * Starts the daemon I/O thread: it polls the backend (while the guest has room) and a wake-up
     * eventfd that queue notifications signal, and runs {@link #pump} on either.
     */
    public Thread start(String name, Consumer<String> warnings) {
        EventFd wakeFd = new EventFd(Libc.EFD_NONBLOCK);
        synchronized (this) {
            wake = wakeFd::signal;
        }
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fds = arena.allocate(2 * POLLFD_SIZE, 4);
                boolean pollBackend = false;
                while (true) {
                    fds.set(ValueLayout.JAVA_INT, 0, wakeFd.fd());
                    fds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
                    fds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                    fds.set(ValueLayout.JAVA_INT, POLLFD_SIZE, pollBackend ? backend.pollFd() : -1);
                    fds.set(ValueLayout.JAVA_SHORT, POLLFD_SIZE + 4, Libc.POLLIN);
                    fds.set(ValueLayout.JAVA_SHORT, POLLFD_SIZE + 6, (short) 0);
                    try {
                        Libc.poll(fds, 2, -1);
                    } catch (SyscallException e) {
                        if (e.errno() != Errno.EINTR) {
                            throw e;
                        }
                    }
                    if (fds.get(ValueLayout.JAVA_SHORT, 6) != 0) {
                        wakeFd.read();
                    }
                    pollBackend = pump();
                }
            } catch (RuntimeException e) {
                warnings.accept("virtio-net I/O thread " + name + " stopped: " + e);
            }
        });
    }
}
