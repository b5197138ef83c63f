package dev.kapsel.sys;

import java.io.IOException;
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
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One Zstandard streaming decoder of the system's {@code libzstd.so.1} ({@code ZSTD_DStream},
 * {@code ZSTD_decompressStream}), with its input and output buffers in native memory. Input is
 * {@link #feed fed} in chunks of at most {@link #chunkSize()} bytes once the previous chunk is
 * consumed; each {@link #decompress} call reports what it produced and the decoder's hint (0 when a
 * frame has just ended). Errors the library reports become {@link IOException}s with its error
 * name. The decoder's default window limit (128 MiB) bounds its memory.
 */
@SuppressWarnings("restricted") // FFM downcalls; the jar enables native access
public final class ZstdDecoder implements AutoCloseable {
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
            } catch (IllegalArgumentException | NoSuchElementException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether {@code libzstd.so.1} could be loaded. */
    public static boolean available() {
        return LIB != null;
    }

    private final int chunkSize;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment stream;
    private final MemorySegment inBuffer;
    private final MemorySegment outBuffer;
    private final MemorySegment src;
    private final MemorySegment dst;
    private boolean closed;

    /** A decoder whose input and output chunks are {@code chunkSize} bytes. */
    public ZstdDecoder(int chunkSize) throws IOException {
        if (LIB == null) {
            throw new IOException("libzstd.so.1 is not installed");
        }
        this.chunkSize = chunkSize;
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
        src = arena.allocate(chunkSize);
        dst = arena.allocate(chunkSize);
        inBuffer = arena.allocate(BUFFER);
        outBuffer = arena.allocate(BUFFER);
        inBuffer.set(ValueLayout.ADDRESS, 0, src);
        inBuffer.set(ValueLayout.JAVA_LONG, SIZE, 0L);
        inBuffer.set(ValueLayout.JAVA_LONG, POS, 0L);
        outBuffer.set(ValueLayout.ADDRESS, 0, dst);
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Input bytes fed but not yet consumed by the decoder. */
    public long inputRemaining() {
        return inBuffer.get(ValueLayout.JAVA_LONG, SIZE) - inBuffer.get(ValueLayout.JAVA_LONG, POS);
    }

    /** Gives the decoder {@code n} new input bytes; only when the previous input is consumed. */
    public void feed(byte[] chunk, int n) {
        if (inputRemaining() != 0 || n > chunkSize) {
            throw new IllegalStateException("feed with " + inputRemaining() + " bytes pending or chunk of " + n);
        }
        MemorySegment.copy(chunk, 0, src, ValueLayout.JAVA_BYTE, 0, n);
        inBuffer.set(ValueLayout.JAVA_LONG, SIZE, (long) n);
        inBuffer.set(ValueLayout.JAVA_LONG, POS, 0L);
    }

    /** What one {@link #decompress} call did: bytes consumed and produced, and the library's hint (0 = frame complete). */
    public record Step(long consumed, int produced, long hint) {}

    /** Decompresses into {@code out[off, off+min(len, chunkSize))} from the fed input. */
    public Step decompress(byte[] out, int off, int len) throws IOException {
        long before = inBuffer.get(ValueLayout.JAVA_LONG, POS);
        outBuffer.set(ValueLayout.JAVA_LONG, SIZE, (long) Math.min(len, chunkSize));
        outBuffer.set(ValueLayout.JAVA_LONG, POS, 0L);
        long hint;
        try {
            hint = (long) LIB.decompress.invokeExact(stream, outBuffer, inBuffer);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        check(hint);
        int produced = (int) outBuffer.get(ValueLayout.JAVA_LONG, POS);
        MemorySegment.copy(dst, ValueLayout.JAVA_BYTE, 0, out, off, produced);
        return new Step(inBuffer.get(ValueLayout.JAVA_LONG, POS) - before, produced, hint);
    }

    private static void check(long rc) throws IOException {
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
    public void close() {
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
        }
    }
}
