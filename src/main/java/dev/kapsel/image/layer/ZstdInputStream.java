package dev.kapsel.image.layer;

import dev.kapsel.sys.ZstdDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Zstandard decompression as an {@link InputStream}, over the system's libzstd through
 * {@link ZstdDecoder}: commons-compress's zstd support needs the zstd-jni JNI library, which kapsel
 * does not use. {@link #libraryLoaded()} says whether the library could be loaded. Multiple
 * concatenated frames are read; input that ends inside a frame is an {@link EOFException}.
 */
final class ZstdInputStream extends InputStream {
    private static final int CHUNK = 128 * 1024;

    private final InputStream in;
    private final ZstdDecoder decoder;
    private final byte[] chunk = new byte[CHUNK];
    /** Whether the decoder has consumed part of a frame it has not finished. */
    private boolean midFrame;
    private boolean inputEnded;
    private boolean closed;

    ZstdInputStream(InputStream in) throws IOException {
        this.in = in;
        this.decoder = new ZstdDecoder(CHUNK);
    }

    static boolean libraryLoaded() {
        return ZstdDecoder.available();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (decoder.inputRemaining() == 0 && !inputEnded) {
                int n = in.read(chunk);
                if (n < 0) {
                    inputEnded = true;
                } else {
                    decoder.feed(chunk, n);
                }
            }
            ZstdDecoder.Step step = decoder.decompress(b, off, len);
            if (step.hint() == 0) {
                midFrame = false;
            } else if (step.consumed() > 0 || step.produced() > 0) {
                midFrame = true;
            }
            if (step.produced() > 0) {
                return step.produced();
            }
            if (inputEnded && decoder.inputRemaining() == 0) {
                if (midFrame) {
                    throw new EOFException("zstd stream ends inside a frame (truncated)");
                }
                return -1;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            decoder.close();
        } finally {
            in.close();
        }
    }
}
