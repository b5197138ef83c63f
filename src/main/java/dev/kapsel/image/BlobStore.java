package dev.kapsel.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Content-addressed blobs at {@code <images>/blobs/sha256/<hex>}. A blob appears only by an atomic
 * rename of a verified file, so a blob file's name is always its content's digest.
 */
final class BlobStore {
    private final Path dir;

    BlobStore(Path dir) {
        this.dir = dir;
    }

    Path path(Digest d) {
        return dir.resolve(d.hex());
    }

    boolean contains(Digest d) {
        return Files.isRegularFile(path(d));
    }

    /** Moves a verified file in; an existing blob with that digest is kept (same content). */
    void adopt(Path verified, Digest d) throws IOException {
        if (contains(d)) {
            return;
        }
        Files.move(verified, path(d), StandardCopyOption.ATOMIC_MOVE);
    }

    Set<Digest> all() throws IOException {
        Set<Digest> result = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                try {
                    result.add(new Digest(f.getFileName().toString()));
                } catch (IllegalArgumentException ignored) {
                    // Not a blob name: leave foreign files alone.
                }
            }
        }
        return result;
    }

    long delete(Digest d) throws IOException {
        Path p = path(d);
        long size = Files.exists(p) ? Files.size(p) : 0;
        Files.deleteIfExists(p);
        return size;
    }
}
