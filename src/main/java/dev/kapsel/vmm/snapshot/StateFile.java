package dev.kapsel.vmm.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The snapshot state file's envelope: an 8-byte magic {@code KAPSNAP\0}, the format version (u32), a
 * reserved u32, the body's length (u64), the body, and a CRC32C of everything before it (u32), all
 * little-endian. Loading checks the magic, then the version, then the length and the checksum, before
 * the body is parsed. Written to a temporary file in the same directory and renamed into place, so a
 * failed write never leaves a half file under the name asked for.
 */
public final class StateFile {
    static final byte[] MAGIC = "KAPSNAP\0".getBytes(StandardCharsets.US_ASCII);
    /** Bump on any change to what {@link StateCodec} writes. */
    public static final int VERSION = 1;
    static final int HEADER = 24;
    static final int TRAILER = 4;
    /** No state body is larger: vCPU states are a few KiB each, devices a few hundred bytes. */
    static final long MAX_BODY = 64L << 20;

    private StateFile() {}

    static byte[] encode(byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(0).putLong(body.length).put(body);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER + body.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static byte[] decode(byte[] file, Path name) throws SnapshotException {
        if (file.length < MAGIC.length || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SnapshotException.NotASnapshot(name + ": not a kapsel snapshot state file (no KAPSNAP magic)");
        }
        if (file.length < HEADER) {
            throw new SnapshotException.Corrupt(name + ": cut short inside the header (" + file.length + " bytes)", null);
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(MAGIC.length);
        if (version != VERSION) {
            throw new SnapshotException.WrongVersion(name + ": snapshot state format version " + Integer.toUnsignedString(version)
                    + ", this kapsel reads version " + VERSION + " only: take the snapshot again with this kapsel");
        }
        long length = b.getLong(16);
        if (length < 0 || length > MAX_BODY || HEADER + length + TRAILER != file.length) {
            throw new SnapshotException.Corrupt(name + ": cut short or overlong: the header says a body of "
                    + Long.toUnsignedString(length) + " bytes, the file has " + file.length + " bytes in all", null);
        }
        CRC32C crc = new CRC32C();
        crc.update(file, 0, HEADER + (int) length);
        int stored = b.getInt(HEADER + (int) length);
        if (stored != (int) crc.getValue()) {
            throw new SnapshotException.Corrupt(String.format("%s: checksum mismatch (CRC32C 0x%08x stored, 0x%08x computed): "
                    + "the file was changed or damaged", name, stored, (int) crc.getValue()), null);
        }
        return Arrays.copyOfRange(file, HEADER, HEADER + (int) length);
    }

    static void write(Path path, byte[] body) throws IOException {
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), "." + path.getFileName(), ".tmp");
        try {
            Files.write(tmp, encode(body));
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static byte[] read(Path path) throws SnapshotException {
        try {
            if (Files.size(path) > HEADER + MAX_BODY + TRAILER) {
                throw new SnapshotException.Corrupt(path + ": too large for a snapshot state file", null);
            }
            return decode(Files.readAllBytes(path), path);
        } catch (IOException e) {
            throw new SnapshotException.Io(path + ": cannot read the state file: " + e.getMessage(), e);
        }
    }
}
