package dev.kapsel.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * An OCI content digest restricted to {@code sha256:<64 lowercase hex>}, the only algorithm the
 * store accepts (OCI image spec, "Digests"). The hex part doubles as a file name, so parsing is
 * strict: nothing else can reach a path.
 */
public record Digest(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    public static final String ALGORITHM = "sha256";

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + hex);
        }
    }

    /** Parses {@code sha256:<hex>}; the message names what was wrong. */
    public static Digest parse(String text) {
        if (text == null || !text.startsWith(ALGORITHM + ":")) {
            throw new IllegalArgumentException("unsupported digest (only sha256): " + text);
        }
        return new Digest(text.substring(ALGORITHM.length() + 1));
    }

    public static Digest of(byte[] content) {
        return new Digest(HexFormat.of().formatHex(sha256().digest(content)));
    }

    public static Digest of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            DigestingInputStream d = new DigestingInputStream(in);
            d.transferTo(OutputStreamSink.INSTANCE);
            return d.digest();
        }
    }

    /** OpenSSL's SHA-256 when libcrypto is there ({@link dev.kapsel.sys.Sha256} says why), else the JDK's. */
    public static MessageDigest sha256() {
        if (dev.kapsel.sys.Sha256.available()) {
            return new dev.kapsel.sys.Sha256();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** The first 12 hex digits, as {@code kapsel images} shows them. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }

    /** Discards bytes: the sink for hashing a stream. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
