package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * SHA-256 by the system's {@code libcrypto.so.3} ({@code SHA256_Init/Update/Final}), as a
 * {@link MessageDigest}. Why: kapsel's launcher runs the JVM with C1 only (fast start-up), where the
 * JDK's SHA-256 is plain Java at ~45 MB/s on this machine; image blobs are hundreds of MiB, and
 * OpenSSL's SHA-NI/AVX2 code hashes at over 1 GB/s. The context is a {@code SHA256_CTX} in
 * GC-managed memory; updates pass the Java array straight to C ({@code Linker.Option.critical}).
 */
@SuppressWarnings("restricted") // FFM downcalls; the jar enables native access
public final class Sha256 extends MessageDigest {
    /** {@code sizeof(SHA256_CTX)} in {@code <openssl/sha.h>}. */
    public static final long SHA256_CTX_SIZE = 112;
    /** {@code SHA256_DIGEST_LENGTH}. */
    public static final int SHA256_DIGEST_LENGTH = 32;
    private static final Library LIB = Library.load().orElse(null);

    private record Library(MethodHandle init, MethodHandle update, MethodHandle fin) {
        static Optional<Library> load() {
            try {
                SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
                Linker l = Linker.nativeLinker();
                ValueLayout.OfInt i = ValueLayout.JAVA_INT;
                return Optional.of(new Library(
                        l.downcallHandle(crypto.findOrThrow("SHA256_Init"), FunctionDescriptor.of(i, ValueLayout.ADDRESS)),
                        l.downcallHandle(crypto.findOrThrow("SHA256_Update"), FunctionDescriptor.of(i, ValueLayout.ADDRESS,
                                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(true)),
                        l.downcallHandle(crypto.findOrThrow("SHA256_Final"), FunctionDescriptor.of(i, ValueLayout.ADDRESS,
                                ValueLayout.ADDRESS), Linker.Option.critical(true))));
            } catch (IllegalArgumentException | NoSuchElementException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether {@code libcrypto.so.3} could be loaded. */
    public static boolean available() {
        return LIB != null;
    }

    private final MemorySegment ctx = Arena.ofAuto().allocate(SHA256_CTX_SIZE, 16);
    private final byte[] one = new byte[1];

    /** A fresh digest; only when {@link #available()}. */
    public Sha256() {
        super("SHA-256");
        if (LIB == null) {
            throw new IllegalStateException("libcrypto.so.3 is not installed");
        }
        engineReset();
    }

    @Override
    protected void engineUpdate(byte input) {
        one[0] = input;
        engineUpdate(one, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        if (len == 0) {
            return;
        }
        succeed("SHA256_Update", () -> (int) LIB.update.invokeExact(ctx, MemorySegment.ofArray(input).asSlice(offset, len), (long) len));
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[SHA256_DIGEST_LENGTH];
        succeed("SHA256_Final", () -> (int) LIB.fin.invokeExact(MemorySegment.ofArray(out), ctx));
        engineReset();
        return out;
    }

    @Override
    protected int engineGetDigestLength() {
        return SHA256_DIGEST_LENGTH;
    }

    @Override
    protected void engineReset() {
        succeed("SHA256_Init", () -> (int) LIB.init.invokeExact(ctx));
    }

    /** A libcrypto call that returns 1 on success. */
    private interface Call {
        int run() throws Throwable;
    }

    private static void succeed(String function, Call call) {
        int ok;
        try {
            ok = call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (ok != 1) {
            throw new IllegalStateException(function + " failed");
        }
    }
}
