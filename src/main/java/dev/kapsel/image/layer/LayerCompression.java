package dev.kapsel.image.layer;

import dev.kapsel.image.UnsupportedLayerException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * How a layer blob is compressed, recognised by its magic bytes rather than its media type (Docker
 * archives and some writers label them loosely): plain tar, gzip ({@code 1f 8b}) or zstd
 * ({@code 28 b5 2f fd}).
 */
public enum LayerCompression {
    NONE, GZIP, ZSTD;

    /** Reads the magic from a stream that supports mark/reset, leaving it unread. */
    public static LayerCompression detect(InputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** The uncompressed tar stream of a layer blob. */
    public static InputStream decompress(InputStream blob, String layer) throws IOException, UnsupportedLayerException {
        InputStream in = blob.markSupported() ? blob : new BufferedInputStream(blob, 64 * 1024);
        return switch (detect(in)) {
            case NONE -> in;
            // Concatenated gzip members are legal (pigz, some registries): read them all.
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
            case ZSTD -> {
                if (!ZstdInputStream.libraryLoaded()) {
                    throw new UnsupportedLayerException(layer,
                            "zstd layers need libzstd.so.1 (Debian package libzstd1); it could not be loaded");
                }
                yield new ZstdInputStream(in);
            }
        };
    }
}
