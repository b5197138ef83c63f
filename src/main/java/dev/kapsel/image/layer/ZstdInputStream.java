package dev.kapsel.image.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Zstandard decompression through the system's {@code libzstd.so.1} streaming API
 * ({@code ZSTD_decompressStream}), called with the FFM API: commons-compress's zstd support needs
 * the zstd-jni JNI library, which kapsel does not use. {@link #libraryLoaded()} says whether the
 * library could be loaded. Multiple concatenated frames are read; input that ends inside a frame is
 * an {@link EOFException}. The decoder's default window limit (128 MiB) bounds its memory.
 */
@SuppressWarnings("restricted") // FFM downcalls; the jar enables native access
final class ZstdInputStream extends InputStream {
    /** {@code struct ZSTD_inBuffer / ZSTD_outBuffer { void *p; size_t size; size_t pos; }}. */
    private static final StructLayout BUFFER = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("ptr"), ValueLayout.JAVA_LONG.withName("size"), ValueLayout.JAVA_LONG.withName("pos"));
    private static final long SIZE = 8;
    private static final long POS = 16;
    private static final Library LIB = Library.load().orElse(null);

    private record Library(MethodHandle create, MethodHandle free, MethodHandle init, MethodHandle decompress,
                           MethodHandle isError, MethodHandle errorName) {
        static Optional<Library> load() {
            try {
                SymbolLookup zstd = SymbolLookup.libraryLookup("libzstd.so.1", Arena.global());
                Linker l = Linker.nativeLinker();
                AddressLayout p = ValueLayout.ADDRESS;
                ValueLayout.OfLong sz = ValueLayout.JAVA_LONG;
                return Optional.of(new Library(
                        l.downcallHandle(zstd.findOrThrow("ZSTD_createDStream"), FunctionDescriptor.of(p)),
                        l.downcallHandle(zstd.findOrThrow("ZSTD_freeDStream"), FunctionDescriptor.of(sz, p)),
                        l.downcallHandle(zstd.findOrThrow("ZSTD_initDStream"), FunctionDescriptor.of(sz, p)),
                        l.downcallHandle(zstd.findOrThrow("ZSTD_decompressStream"), FunctionDescriptor.of(sz, p, p, p)),
                        l.downcallHandle(zstd.findOrThrow("ZSTD_isError"), FunctionDescriptor.of(ValueLayout.JAVA_INT, sz)),
                        l.downcallHandle(zstd.findOrThrow("ZSTD_getErrorName"), FunctionDescriptor.of(p.withTargetLayout(
                                MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), sz))));
            } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
                return Optional.empty();
            }
        }
    }

    static boolean libraryLoaded() {
        return LIB != null;
    }

    private final InputStream in;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment stream;
    private final MemorySegment inBuffer;
    private final MemorySegment outBuffer;
    private final MemorySegment src;
    private final MemorySegment dst;
    private final byte[] chunk = new byte[128 * 1024];
    private long lastHint;
    /** Whether the decoder has consumed part of a frame it has not finished. */
    private boolean midFrame;
    private boolean inputEnded;
    private boolean closed;

    ZstdInputStream(InputStream in) throws IOException {
        if (LIB == null) {
            throw new IOException("libzstd.so.1 is not installed");
        }
        this.in = in;
        try {
            stream = (MemorySegment) LIB.create.invokeExact();
            if (stream.equals(MemorySegment.NULL)) {
                throw new IOException("ZSTD_createDStream failed");
            }
            check((long) LIB.init.invokeExact(stream));
        } catch (IOException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new AssertionError(t);
        }
        src = arena.allocate(chunk.length);
        dst = arena.allocate(chunk.length);
        inBuffer = arena.allocate(BUFFER);
        outBuffer = arena.allocate(BUFFER);
        inBuffer.set(ValueLayout.ADDRESS, 0, src);
        inBuffer.set(ValueLayout.JAVA_LONG, SIZE, 0L);
        inBuffer.set(ValueLayout.JAVA_LONG, POS, 0L);
        outBuffer.set(ValueLayout.ADDRESS, 0, dst);
        lastHint = 0;
    }

    private void check(long rc) throws IOException {
        try {
            if ((int) LIB.isError.invokeExact(rc) != 0) {
                MemorySegment name = (MemorySegment) LIB.errorName.invokeExact(rc);
                throw new IOException("zstd: " + name.getString(0));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
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
            long inSize = inBuffer.get(ValueLayout.JAVA_LONG, SIZE);
            long inPos = inBuffer.get(ValueLayout.JAVA_LONG, POS);
            if (inPos == inSize && !inputEnded) {
                int n = in.read(chunk);
                if (n < 0) {
                    inputEnded = true;
                } else {
                    MemorySegment.copy(chunk, 0, src, ValueLayout.JAVA_BYTE, 0, n);
                    inBuffer.set(ValueLayout.JAVA_LONG, SIZE, (long) n);
                    inBuffer.set(ValueLayout.JAVA_LONG, POS, 0L);
                    inSize = n;
                    inPos = 0;
                }
            }
            int want = Math.min(len, chunk.length);
            outBuffer.set(ValueLayout.JAVA_LONG, SIZE, (long) want);
            outBuffer.set(ValueLayout.JAVA_LONG, POS, 0L);
            try {
                lastHint = (long) LIB.decompress.invokeExact(stream, outBuffer, inBuffer);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            check(lastHint);
            int produced = (int) outBuffer.get(ValueLayout.JAVA_LONG, POS);
            boolean consumed = inBuffer.get(ValueLayout.JAVA_LONG, POS) != inPos;
            if (lastHint == 0) {
                midFrame = false;
            } else if (consumed || produced > 0) {
                midFrame = true;
            }
            if (produced > 0) {
                MemorySegment.copy(dst, ValueLayout.JAVA_BYTE, 0, b, off, produced);
                return produced;
            }
            boolean inputDrained = inBuffer.get(ValueLayout.JAVA_LONG, POS) == inBuffer.get(ValueLayout.JAVA_LONG, SIZE);
            if (inputEnded && inputDrained) {
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
            long ignored = (long) LIB.free.invokeExact(stream);
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            arena.close();
            in.close();
        }
    }
}
