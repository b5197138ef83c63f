package dev.kapsel.devices.virtio.block;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image on the host: a file of 512-byte sectors, opened read-only or read-write. Reads and
 * writes are positional and go straight between the file and guest memory; nothing here checks
 * bounds against the guest's request (the caller does), but a read that finds the file shorter than
 * it was at open fails instead of returning stale bytes.
 */
public final class DiskImage implements AutoCloseable {
    public static final int SECTOR_SIZE = 512;
    /** Largest single transfer handed to the channel; keeps each ByteBuffer view well below 2 GiB. */
    private static final long CHUNK = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final boolean readOnly;
    private final long sectors;

    private DiskImage(Path path, FileChannel channel, boolean readOnly, long sectors) {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.sectors = sectors;
    }

    /** Opens {@code path}; its size, rounded down to whole sectors, is the disk's capacity. */
    public static DiskImage open(Path path, boolean readOnly) throws IOException {
        FileChannel channel = readOnly
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new DiskImage(path, channel, readOnly, channel.size() / SECTOR_SIZE);
    }

    public Path path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Capacity in 512-byte sectors. */
    public long sectors() {
        return sectors;
    }

    /** Fills {@code target} from the image at byte {@code position}. */
    public void read(long position, MemorySegment target) throws IOException {
        for (long done = 0; done < target.byteSize(); done += CHUNK) {
            ByteBuffer buffer = target.asSlice(done, Math.min(CHUNK, target.byteSize() - done)).asByteBuffer();
            long at = position + done;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new IOException(path + " is shorter than when it was attached");
                }
                at += n;
            }
        }
    }

    /** Writes {@code source} into the image at byte {@code position}. */
    public void write(long position, MemorySegment source) throws IOException {
        for (long done = 0; done < source.byteSize(); done += CHUNK) {
            ByteBuffer buffer = source.asSlice(done, Math.min(CHUNK, source.byteSize() - done)).asByteBuffer();
            long at = position + done;
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
        }
    }

    /** Makes everything written so far durable on the host (fsync). */
    public void flush() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
