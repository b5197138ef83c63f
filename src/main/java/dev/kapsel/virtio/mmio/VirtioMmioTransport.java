package dev.kapsel.virtio.mmio;

import static dev.kapsel.virtio.mmio.MmioRegisters.*;

import dev.kapsel.bus.InterruptLine;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import dev.kapsel.virtio.VirtioInterrupt;
import dev.kapsel.virtio.Virtqueue;
import dev.kapsel.virtio.VirtqueueException;
import dev.kapsel.bus.BusDevice;
import dev.kapsel.state.Persistent;
import dev.kapsel.state.StateFormatException;
import dev.kapsel.state.StateReader;
import dev.kapsel.state.StateWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The virtio-mmio transport, version 2 (modern only), in front of one {@link VirtioDevice}: the
 * register window the guest's {@code virtio_mmio} driver programs. It runs the status state machine
 * (reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK), negotiates features in 32-bit banks and
 * insists on VIRTIO_F_VERSION_1, holds each queue's configuration until DRIVER_OK activates the device,
 * keeps InterruptStatus, and forwards queue notifications to the device.
 *
 * <p>A {@link VirtioDeviceException} from the device (a malformed ring, say) sets DEVICE_NEEDS_RESET
 * and raises a configuration-change interrupt; the device does nothing more until the driver resets it
 * by writing 0 to Status.
 *
 * <p>Thread safety: every entry point is synchronized, so vCPU threads (register accesses, plain
 * QueueNotify writes) and the ioeventfd thread ({@link QueueNotifier}) never run the device at once.
 */
public final class VirtioMmioTransport implements BusDevice, Persistent {
    private final VirtioDevice device;
    private final GuestMemory memory;
    private final InterruptLine line;
    private final Consumer<String> warnings;
    private final Virtqueue[] queues;
    private final VirtioInterrupt interrupt = new VirtioInterrupt() {
        @Override
        public void signalUsedBuffers() {
            raise(INT_USED_BUFFER);
        }

        @Override
        public void signalConfigChange() {
            raise(INT_CONFIG_CHANGE);
        }

        @Override
        public void deviceFailed(VirtioDeviceException cause) {
            failFromDeviceThread(cause);
        }
    };

    private int status;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int queueSel;
    /** Atomic, not under the lock: devices with host I/O threads raise interrupts from those threads. */
    private final AtomicInteger interruptStatus = new AtomicInteger();
    private int configGeneration;
    private boolean active;
    private VirtioDeviceException failure;

    /**
     * @param warnings where a one-line reason goes when the device stops (DEVICE_NEEDS_RESET)
     */
    public VirtioMmioTransport(VirtioDevice device, GuestMemory memory, InterruptLine line, Consumer<String> warnings) {
        this.device = device;
        this.memory = memory;
        this.line = line;
        this.warnings = warnings;
        int[] sizes = device.queueMaxSizes();
        this.queues = new Virtqueue[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            queues[i] = new Virtqueue(sizes[i]);
        }
    }

    public VirtioDevice device() {
        return device;
    }

    public synchronized int status() {
        return status;
    }

    public int interruptStatus() {
        return interruptStatus.get();
    }

    /** Why the device last stopped with DEVICE_NEEDS_RESET, or {@code null}. */
    public synchronized VirtioDeviceException failure() {
        return failure;
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        if (offset >= CONFIG) {
            device.readConfig(offset - CONFIG, data);
            return;
        }
        if (data.length == 4) {
            LittleEndian.put32(data, 0, register((int) offset));
        } else {
            Arrays.fill(data, (byte) 0); // the spec allows only 32-bit register accesses
        }
    }

    private int register(int offset) {
        return switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION_REG -> VERSION;
            case DEVICE_ID -> device.deviceId();
            case VENDOR_ID -> KAPSEL_VENDOR;
            case DEVICE_FEATURES -> bank(device.features(), deviceFeaturesSel);
            case QUEUE_NUM_MAX -> selectedQueue() != null ? selectedQueue().maxSize() : 0;
            case QUEUE_READY -> selectedQueue() != null && selectedQueue().isReady() ? 1 : 0;
            case INTERRUPT_STATUS -> interruptStatus.get();
            case STATUS -> status;
            case CONFIG_GENERATION -> configGeneration;
            // no device has shared memory regions: the spec's "no such region" is a length (and base) of all
            // ones; Linux's virtio-fs takes a length of 0 for a DAX window at 0 and fails to probe
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> -1;
            default -> 0;
        };
    }

    private static int bank(long features, int select) {
        return switch (select) {
            case 0 -> (int) features;
            case 1 -> (int) (features >>> 32);
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        if (offset >= CONFIG) {
            device.writeConfig(offset - CONFIG, data);
            return;
        }
        if (data.length != 4) {
            return; // the spec allows only 32-bit register accesses
        }
        int value = LittleEndian.get32(data, 0);
        switch ((int) offset) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = value;
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = value;
            case DRIVER_FEATURES -> acceptDriverFeatures(value);
            case QUEUE_SEL -> queueSel = value;
            case QUEUE_NUM -> configureQueue(q -> q.setSize(value));
            case QUEUE_READY -> configureQueue(q -> q.setReady(value == 1));
            case QUEUE_DESC_LOW -> configureQueue(q -> q.setDescTable(low(q.descTable(), value)));
            case QUEUE_DESC_HIGH -> configureQueue(q -> q.setDescTable(high(q.descTable(), value)));
            case QUEUE_DRIVER_LOW -> configureQueue(q -> q.setAvailRing(low(q.availRing(), value)));
            case QUEUE_DRIVER_HIGH -> configureQueue(q -> q.setAvailRing(high(q.availRing(), value)));
            case QUEUE_DEVICE_LOW -> configureQueue(q -> q.setUsedRing(low(q.usedRing(), value)));
            case QUEUE_DEVICE_HIGH -> configureQueue(q -> q.setUsedRing(high(q.usedRing(), value)));
            case QUEUE_NOTIFY -> notifyQueue(value);
            case INTERRUPT_ACK -> interruptStatus.getAndUpdate(v -> v & ~value);
            case STATUS -> writeStatus(value);
            default -> { } // read-only or unknown register: ignored
        }
    }

    private static long low(long current, int value) {
        return (current & 0xffff_ffff_0000_0000L) | Integer.toUnsignedLong(value);
    }

    private static long high(long current, int value) {
        return (current & 0xffff_ffffL) | ((long) value << 32);
    }

    private Virtqueue selectedQueue() {
        return queueSel >= 0 && queueSel < queues.length ? queues[queueSel] : null;
    }

    /** Queue registers are writable only while the driver sets the device up (before DRIVER_OK). */
    private void configureQueue(Consumer<Virtqueue> change) {
        Virtqueue q = selectedQueue();
        if (q != null && DeviceStatus.has(status, DeviceStatus.DRIVER) && !DeviceStatus.has(status, DeviceStatus.DRIVER_OK)) {
            change.accept(q);
        }
    }

    private void acceptDriverFeatures(int value) {
        if (!DeviceStatus.has(status, DeviceStatus.DRIVER) || DeviceStatus.has(status, DeviceStatus.FEATURES_OK)) {
            return;
        }
        switch (driverFeaturesSel) {
            case 0 -> driverFeatures = (driverFeatures & 0xffff_ffff_0000_0000L) | Integer.toUnsignedLong(value);
            case 1 -> driverFeatures = (driverFeatures & 0xffff_ffffL) | ((long) value << 32);
            default -> { }
        }
    }

    private void writeStatus(int value) {
        if (value == 0) {
            reset();
            return;
        }
        int next = value | (status & DeviceStatus.DEVICE_NEEDS_RESET);
        if ((status & ~next) != 0) {
            return; // only a reset clears bits
        }
        int added = next & ~status;
        if ((added & DeviceStatus.FEATURES_OK) != 0 && !featuresAcceptable()) {
            next &= ~DeviceStatus.FEATURES_OK; // the driver reads Status back and sees the refusal
        }
        if ((added & DeviceStatus.DRIVER_OK) != 0 && !DeviceStatus.has(next, DeviceStatus.FEATURES_OK)) {
            next &= ~DeviceStatus.DRIVER_OK;
        }
        status = next;
        if ((next & added & DeviceStatus.DRIVER_OK) != 0) {
            activate();
        }
    }

    private boolean featuresAcceptable() {
        return (driverFeatures & ~device.features()) == 0 && FeatureBits.has(driverFeatures, FeatureBits.VERSION_1);
    }

    private void activate() {
        boolean eventIdx = FeatureBits.has(driverFeatures, FeatureBits.RING_EVENT_IDX);
        List<Virtqueue> list = new ArrayList<>();
        try {
            for (Virtqueue q : queues) {
                if (q.isReady()) {
                    q.activate(memory, eventIdx);
                }
                list.add(q);
            }
        } catch (VirtqueueException e) {
            fail(e);
            return;
        }
        device.activate(new Activation(memory, list, interrupt, driverFeatures));
        active = true;
    }

    /**
     * The transport's registers (status, feature selects, the driver's features, queue select,
     * InterruptStatus, config generation), whether the device is live, each queue's {@link Virtqueue.State},
     * and then the device's own state if it is {@link Persistent}. A device stopped with
     * DEVICE_NEEDS_RESET keeps that bit; the reason is not kept.
     */
    @Override
    public synchronized void saveState(StateWriter out) {
        out.i32(status).i32(deviceFeaturesSel).i32(driverFeaturesSel).i64(driverFeatures).i32(queueSel)
                .i32(interruptStatus.get()).i32(configGeneration).bool(active);
        out.list(Arrays.asList(queues), (w, q) -> {
            Virtqueue.State st = q.state();
            w.i32(st.size()).bool(st.ready()).i64(st.descTable()).i64(st.availRing()).i64(st.usedRing())
                    .i32(st.nextAvail()).i32(st.nextUsed()).i32(st.signalledUsed());
        });
        StateWriter device = new StateWriter();
        if (this.device instanceof Persistent p) {
            p.saveState(device);
        }
        out.bytes(device.toByteArray());
    }

    /**
     * Loads what {@link #saveState} wrote into this fresh transport (same device kind, same queue
     * count): a device that was live is activated again on its queues at their saved ring positions,
     * without the driver's help. Nothing is processed here: {@link #renotify} once the VM runs.
     */
    @Override
    public synchronized void restoreState(StateReader in) {
        status = in.i32();
        deviceFeaturesSel = in.i32();
        driverFeaturesSel = in.i32();
        driverFeatures = in.i64();
        queueSel = in.i32();
        interruptStatus.set(in.i32());
        configGeneration = in.i32();
        boolean live = in.bool();
        List<Virtqueue.State> states = in.list(r -> new Virtqueue.State(r.i32(), r.bool(), r.i64(), r.i64(), r.i64(),
                r.i32(), r.i32(), r.i32()));
        if (states.size() != queues.length) {
            throw new StateFormatException("virtio device " + device.deviceId() + " has " + queues.length
                    + " queues, the state " + states.size());
        }
        boolean eventIdx = FeatureBits.has(driverFeatures, FeatureBits.RING_EVENT_IDX);
        try {
            for (int i = 0; i < queues.length; i++) {
                boolean attach = live && states.get(i).ready();
                queues[i].restore(states.get(i), attach ? memory : null, eventIdx);
            }
        } catch (VirtqueueException e) {
            throw new StateFormatException("virtio device " + device.deviceId() + ": a saved queue does not fit guest memory: "
                    + e.getMessage());
        }
        if (live) {
            device.activate(new Activation(memory, Arrays.asList(queues), interrupt, driverFeatures));
            active = true;
        }
        StateReader deviceState = new StateReader(in.bytes());
        if (device instanceof Persistent p) {
            p.restoreState(deviceState);
        }
        deviceState.end();
    }

    /**
     * After a restore, once the VM runs: serves every queue (whatever the driver made available before
     * the snapshot and no notification will announce again) and raises the interrupt again if
     * InterruptStatus still has a bit the driver has not acknowledged.
     */
    public void renotify() {
        notifyAllQueues();
        if (interruptStatus.get() != 0) {
            line.trigger();
        }
    }

    /** Runs queue {@code index} if the device is live; what a QueueNotify write does. */
    public synchronized void notifyQueue(int index) {
        if (!active || DeviceStatus.has(status, DeviceStatus.DEVICE_NEEDS_RESET)
                || index < 0 || index >= queues.length || !queues[index].isActive()) {
            return;
        }
        try {
            device.processQueue(index);
        } catch (VirtioDeviceException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new VirtioDeviceException.DeviceBug(e));
        }
    }

    /**
     * Runs every queue: what an ioeventfd signal on QueueNotify means, since one eventfd covers the
     * register whatever queue index the driver wrote.
     */
    public synchronized void notifyAllQueues() {
        for (int i = 0; i < queues.length; i++) {
            notifyQueue(i);
        }
    }

    /** A device's I/O thread reports a fatal guest error; ignored once the driver has reset the device. */
    private synchronized void failFromDeviceThread(VirtioDeviceException e) {
        if (active && !DeviceStatus.has(status, DeviceStatus.DEVICE_NEEDS_RESET)) {
            fail(e);
        }
    }

    private void fail(VirtioDeviceException e) {
        failure = e;
        status |= DeviceStatus.DEVICE_NEEDS_RESET;
        warnings.accept("virtio device " + device.deviceId() + " needs a reset: " + e.getMessage());
        raise(INT_CONFIG_CHANGE);
    }

    private void raise(int bit) {
        interruptStatus.getAndUpdate(v -> v | bit);
        line.trigger();
    }

    private void reset() {
        if (active) {
            device.reset();
        }
        active = false;
        for (Virtqueue q : queues) {
            q.reset();
        }
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        queueSel = 0;
        interruptStatus.set(0);
        failure = null;
    }
}
