package dev.kapsel.image;

import dev.kapsel.image.layer.LayerApplier;
import dev.kapsel.image.source.BlobSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A private scratch directory under {@code <images>/tmp/}, named {@code <pid>-<random>} so a later
 * process can tell a crashed owner's leftovers ({@link #removeAbandoned}). Imports stage verified
 * blobs here before the store adopts them; unpacking and image builds work here before their rename.
 * Closing removes everything left in it.
 */
final class Staging implements BlobSink, AutoCloseable {
    private final Path dir;
    private final Path blobs;
    private final Map<Digest, StagedBlob> staged = new LinkedHashMap<>();
    private int serial;

    private Staging(Path dir) throws IOException {
        this.dir = dir;
        this.blobs = dir.resolve("blobs");
        Files.createDirectories(blobs);
    }

    static Staging create(Path tmp) throws IOException {
        return new Staging(tmp.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
    }

    Path dir() {
        return dir;
    }

    /** A fresh empty directory inside the staging area. */
    Path newDirectory(String purpose) throws IOException {
        return Files.createDirectory(dir.resolve(purpose + "-" + serial++));
    }

    @Override
    public StagedBlob put(Path file, String label, Digest expected, long expectedSize) throws IOException, DigestMismatchException {
        if (expected != null && staged.containsKey(expected)) {
            return staged.get(expected);
        }
        Path partial = blobs.resolve("partial-" + serial++);
        Digest actual;
        long size;
        try (InputStream in = Files.newInputStream(file); FileChannel out = FileChannel.open(partial,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            DigestingInputStream digesting = new DigestingInputStream(in);
            byte[] buffer = new byte[256 * 1024];
            int n;
            while ((n = digesting.read(buffer)) > 0) {
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                if (expectedSize >= 0 && digesting.count() > expectedSize) {
                    break;
                }
            }
            out.force(true);
            actual = digesting.digest();
            size = digesting.count();
        }
        if (expected != null && expectedSize >= 0 && size != expectedSize) {
            Files.delete(partial);
            throw new DigestMismatchException(label, expected, expectedSize, size);
        }
        if (expected != null && !expected.equals(actual)) {
            Files.delete(partial);
            throw new DigestMismatchException(label, expected, actual);
        }
        return record(partial, actual, size);
    }

    @Override
    public StagedBlob put(byte[] content) throws IOException {
        Path partial = blobs.resolve("partial-" + serial++);
        Files.write(partial, content, StandardOpenOption.CREATE_NEW);
        return record(partial, Digest.of(content), content.length);
    }

    private StagedBlob record(Path partial, Digest digest, long size) throws IOException {
        StagedBlob existing = staged.get(digest);
        if (existing != null) {
            Files.delete(partial);
            return existing;
        }
        Path named = blobs.resolve(digest.hex());
        Files.move(partial, named, StandardCopyOption.ATOMIC_MOVE);
        StagedBlob blob = new StagedBlob(digest, size, named);
        staged.put(digest, blob);
        return blob;
    }

    /** Hands the staged blob with digest {@code d} to the store (call under the store lock). */
    void commit(Digest d, BlobStore store) throws IOException {
        StagedBlob blob = staged.get(d);
        if (blob == null) {
            throw new IllegalStateException("blob " + d + " was not staged");
        }
        store.adopt(blob.path(), d);
    }

    @Override
    public void close() throws IOException {
        LayerApplier.deleteTree(dir);
    }

    /** Removes staging directories whose owning process is gone (call under the store lock). */
    static void removeAbandoned(Path tmp) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                int dash = name.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? name : name.substring(0, dash));
                } catch (NumberFormatException ignored) {
                    continue;
                }
                if (ProcessHandle.of(pid).isEmpty()) {
                    LayerApplier.deleteTree(e);
                }
            }
        }
    }
}
