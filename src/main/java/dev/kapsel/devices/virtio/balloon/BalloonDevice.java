package dev.kapsel.devices.virtio.balloon;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.state.Persistent;
import dev.kapsel.state.StateReader;
import dev.kapsel.state.StateWriter;
import dev.kapsel.virtio.Activation;
import dev.kapsel.virtio.Buffer;
import dev.kapsel.virtio.ConfigSpace;
import dev.kapsel.virtio.DescriptorChain;
import dev.kapsel.virtio.FeatureBits;
import dev.kapsel.virtio.VirtioDevice;
import dev.kapsel.virtio.VirtioDeviceException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * virtio-balloon (virtio 1.2, section 5.5; device ID 5), the traditional balloon: the host sets a
 * target of 4 KiB pages ({@code num_pages}) the guest should give up; the driver takes that many
 * pages from its allocator and sends their frame numbers on the inflate queue, and the device hands
 * the host pages back to the host kernel ({@link GuestMemory#discard}, {@code MADV_DONTNEED}).
 * Frames on the deflate queue are the guest's again; they fault back in as zero pages when touched,
 * so the device only counts them. The driver reports the balloon's size in {@code actual}.
 *
 * <p>Features: VIRTIO_BALLOON_F_DEFLATE_ON_OOM when asked for (the guest may deflate under memory
 * pressure instead of failing allocations; without it, ballooned pages leave the guest's MemTotal).
 * No VIRTIO_BALLOON_F_MUST_TELL_HOST (nothing here needs notice before reuse), no statistics queue.
 *
 * <p>Hostile driver: every frame number is checked against guest RAM, a request carries at most
 * {@link #MAX_PFNS_PER_REQUEST} frames (Linux sends 256), a buffer length that is not a multiple of
 * 4 is refused; each case is a {@link BalloonRequestException} that stops the device. Only the
 * {@code actual} field of the configuration space is writable.
 */
public final class BalloonDevice implements VirtioDevice, Persistent {
    public static final int DEVICE_ID = 5;
    public static final int QUEUE_SIZE = 256;
    public static final int F_DEFLATE_ON_OOM = 2;
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** Frames one inflate or deflate request may carry: 16 times what Linux's driver sends. */
    public static final int MAX_PFNS_PER_REQUEST = 4096;
    static final int INFLATE_QUEUE = 0;
    static final int DEFLATE_QUEUE = 1;
    private static final int CONFIG_SIZE = 8;

    private final boolean deflateOnOom;
    private volatile int targetPages;
    private volatile int actualPages;
    private final AtomicLong inflated = new AtomicLong();
    private final AtomicLong deflated = new AtomicLong();
    private Activation active;

    /** A balloon whose target is {@code targetPages} 4 KiB pages from the start. */
    public BalloonDevice(int targetPages, boolean deflateOnOom) {
        if (targetPages < 0) {
            throw new IllegalArgumentException("balloon target must not be negative: " + targetPages);
        }
        this.targetPages = targetPages;
        this.deflateOnOom = deflateOnOom;
    }

    /** The target as last set (it may have changed since the VM's configuration) and the driver's {@code actual}. */
    @Override
    public void saveState(StateWriter out) {
        out.i32(targetPages).i32(actualPages);
    }

    @Override
    public void restoreState(StateReader in) {
        targetPages = in.i32();
        actualPages = in.i32();
    }

    /** Pages for a target of {@code mib} MiB. */
    public static int pagesOf(long mib) {
        return Math.toIntExact((mib << 20) >>> PAGE_SHIFT);
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return FeatureBits.TRANSPORT | (deflateOnOom ? FeatureBits.bit(F_DEFLATE_ON_OOM) : 0);
    }

    @Override
    public int[] queueMaxSizes() {
        return new int[] {QUEUE_SIZE, QUEUE_SIZE};
    }

    /** {@code le32 num_pages; le32 actual;} */
    @Override
    public void readConfig(long offset, byte[] data) {
        byte[] config = new byte[CONFIG_SIZE];
        LittleEndian.put32(config, 0, targetPages);
        LittleEndian.put32(config, 4, actualPages);
        ConfigSpace.read(config, offset, data);
    }

    /** Only {@code actual} (bytes 4..7) is the driver's to write; a partial write updates those bytes. */
    @Override
    public void writeConfig(long offset, byte[] data) {
        byte[] actual = new byte[4];
        LittleEndian.put32(actual, 0, actualPages);
        for (int i = 0; i < data.length; i++) {
            long at = offset + i - 4;
            if (at >= 0 && at < 4) {
                actual[(int) at] = data[i];
            }
        }
        actualPages = LittleEndian.get32(actual, 0);
    }

    @Override
    public void activate(Activation activation) {
        this.active = activation;
    }

    @Override
    public void reset() {
        this.active = null;
        this.actualPages = 0;
    }

    @Override
    public void processQueue(int index) throws VirtioDeviceException {
        if (index != INFLATE_QUEUE && index != DEFLATE_QUEUE) {
            return;
        }
        boolean inflate = index == INFLATE_QUEUE;
        active.serveQueue(index, chain -> serve(chain, inflate));
    }

    /** Reads the chain's frame numbers; for inflation discards each run of consecutive frames at once. */
    private long serve(DescriptorChain chain, boolean inflate) throws BalloonRequestException {
        GuestMemory memory = active.memory();
        long frames = 0;
        for (Buffer b : chain.readable()) {
            if (b.length() % 4 != 0) {
                throw new BalloonRequestException("balloon request buffer of " + b.length() + " bytes is not a list of 32-bit frame numbers");
            }
            frames += b.length() / 4;
        }
        if (frames > MAX_PFNS_PER_REQUEST) {
            throw new BalloonRequestException("balloon request of " + frames + " frames exceeds " + MAX_PFNS_PER_REQUEST);
        }
        long runStart = -1;
        long runPages = 0;
        for (Buffer b : chain.readable()) {
            byte[] pfns = memory.read(b.address(), (int) b.length());
            for (int i = 0; i < pfns.length; i += 4) {
                long pfn = (pfns[i] & 0xffL) | (pfns[i + 1] & 0xffL) << 8 | (pfns[i + 2] & 0xffL) << 16 | (pfns[i + 3] & 0xffL) << 24;
                long address = pfn << PAGE_SHIFT;
                if (!memory.contains(address, PAGE_SIZE)) {
                    throw new BalloonRequestException("balloon frame 0x" + Long.toHexString(pfn) + " is outside guest RAM");
                }
                if (!inflate) {
                    continue;
                }
                if (runStart >= 0 && address == runStart + runPages * PAGE_SIZE && memory.contains(runStart, (runPages + 1) * PAGE_SIZE)) {
                    runPages++;
                } else {
                    discard(memory, runStart, runPages);
                    runStart = address;
                    runPages = 1;
                }
            }
        }
        if (inflate) {
            discard(memory, runStart, runPages);
            inflated.addAndGet(frames);
        } else {
            deflated.addAndGet(frames);
        }
        return 0;
    }

    private static void discard(GuestMemory memory, long start, long pages) {
        if (pages > 0) {
            memory.discard(start, pages * PAGE_SIZE);
        }
    }

    /** The target the host set, in pages. */
    public int targetPages() {
        return targetPages;
    }

    /** The balloon size the driver last reported, in pages. */
    public int actualPages() {
        return actualPages;
    }

    /** Frames received on the inflate queue since start. */
    public long inflatedPages() {
        return inflated.get();
    }

    /** Frames received on the deflate queue since start. */
    public long deflatedPages() {
        return deflated.get();
    }
}
