package dev.kapsel.image.source;

import dev.kapsel.image.Digest;
import dev.kapsel.image.DigestMismatchException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where readers put the blobs of an image being imported: the store's staging area. Every blob is
 * hashed on the way in and checked against the digest and size its descriptor promises.
 */
public interface BlobSink {
    /** A blob staged and verified, readable at {@code path} until the import ends. */
    record StagedBlob(Digest digest, long size, Path path) {}

    /**
     * Copies {@code file} in. {@code expected} null means "whatever it hashes to" (Docker archives
     * name layers by path); {@code expectedSize} negative means unknown. {@code label} names the blob
     * in a {@link DigestMismatchException}.
     */
    StagedBlob put(Path file, String label, Digest expected, long expectedSize) throws IOException, DigestMismatchException;

    /** Stages a document kapsel wrote itself (a manifest for a Docker archive). */
    StagedBlob put(byte[] content) throws IOException;
}
