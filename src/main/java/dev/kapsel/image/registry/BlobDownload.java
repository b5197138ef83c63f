package dev.kapsel.image.registry;

import dev.kapsel.host.StoreLock;
import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.DigestMismatchException;
import dev.kapsel.image.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one blob into the store's {@code downloads/<hex>}, hashing as it writes. What an earlier,
 * interrupted pull left there is hashed first and continued with {@code Range: bytes=N-} (a 206
 * whose {@code Content-Range} starts at N is appended; a 200 starts over). A broken connection is
 * resumed the same way, up to {@link #ATTEMPTS} times. The blob is complete only when its size and
 * digest are the descriptor's; a wrong digest deletes the file, and more bytes than the descriptor's
 * size are refused as they arrive.
 */
final class BlobDownload {
    static final int ATTEMPTS = 3;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final RegistryClient client;
    private final Reference reference;
    private final ImageStore store;

    BlobDownload(RegistryClient client, Reference reference, ImageStore store) {
        this.client = client;
        this.reference = reference;
        this.store = store;
    }

    /** The verified file of {@code blob}; {@code progress} hears the byte count so far. */
    Path fetch(Descriptor blob, String label, LongConsumer progress) throws IOException, RegistryException, DigestMismatchException {
        Path file = store.downloadPath(blob.digest());
        // Two pulls of one blob (threads or processes) take turns; the second finds it complete.
        try (StoreLock ignored = StoreLock.acquire(file.resolveSibling(file.getFileName() + ".lock"));
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (out.size() > blob.size()) {
                out.truncate(0);
            }
            MessageDigest sha256 = hashPrefix(out);
            long have = out.size();
            progress.accept(have);
            IOException lastBreak = null;
            for (int attempt = 0; have < blob.size() && attempt < ATTEMPTS; attempt++) {
                try {
                    have = download(blob, label, out, sha256, have, progress);
                } catch (BrokenTransfer e) {
                    lastBreak = e.cause;
                    have = out.size();
                }
            }
            if (have < blob.size()) {
                throw new RegistryProtocolException(client.registry(), reference.toString(), label + ": connection broke at "
                        + have + " of " + blob.size() + " bytes " + ATTEMPTS + " times (" + RegistryClient.describe(lastBreak)
                        + "); pull again to resume");
            }
            out.force(true);
            Digest actual = new Digest(HexFormat.of().formatHex(sha256.digest()));
            if (!actual.equals(blob.digest())) {
                out.truncate(0);
                Files.deleteIfExists(file);
                throw new DigestMismatchException(label + " from " + client.registry() + " (" + reference + ")", blob.digest(), actual);
            }
        }
        return file;
    }

    private static MessageDigest hashPrefix(FileChannel ch) throws IOException {
        MessageDigest sha256 = Digest.sha256();
        ByteBuffer buffer = ByteBuffer.allocate(256 << 10);
        long position = 0;
        while (position < ch.size()) {
            buffer.clear();
            int n = ch.read(buffer, position);
            if (n < 0) {
                break;
            }
            buffer.flip();
            sha256.update(buffer);
            position += n;
        }
        ch.position(position);
        return sha256;
    }

    /** A connection that broke mid-body: the bytes so far are kept and resumed. */
    private static final class BrokenTransfer extends Exception {
        final IOException cause;

        BrokenTransfer(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private long download(Descriptor blob, String label, FileChannel out, MessageDigest sha256, long have, LongConsumer progress)
            throws IOException, RegistryException, BrokenTransfer {
        Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        String what = "download of " + label;
        HttpResponse<InputStream> r = client.send(RegistryClient.Call.get("/v2/" + reference.repository() + "/blobs/" + blob.digest(),
                headers, Puller.scope(reference, false)), what, reference.toString());
        int status = r.statusCode();
        if (status == 416 && have > 0) {
            // The registry cannot serve the rest: start over.
            RegistryClient.discard(r);
            restart(out, sha256);
            return 0;
        }
        if (status == 206) {
            Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
            if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                RegistryClient.discard(r);
                throw new RegistryProtocolException(client.registry(), reference.toString(), what + ": HTTP 206 for bytes=" + have
                        + "- came with Content-Range '" + r.headers().firstValue("Content-Range").orElse("") + "'");
            }
        } else if (status == 200) {
            if (have > 0) {
                restart(out, sha256);
                have = 0;
            }
        } else {
            throw client.failure(r, what, reference.toString());
        }
        byte[] buffer = new byte[256 << 10];
        InputStream in = r.body();
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new BrokenTransfer(e);
                }
                if (n < 0) {
                    break;
                }
                if (have + n > blob.size()) {
                    throw new RegistryProtocolException(client.registry(), reference.toString(), what + ": the registry sent more than the "
                            + blob.size() + " bytes its descriptor promises");
                }
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                sha256.update(buffer, 0, n);
                have += n;
                progress.accept(have);
            }
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // The bytes that arrived are written and hashed; a failing close changes nothing.
            }
        }
        return have;
    }

    private static void restart(FileChannel out, MessageDigest sha256) throws IOException {
        out.truncate(0);
        out.position(0);
        sha256.reset();
    }
}
