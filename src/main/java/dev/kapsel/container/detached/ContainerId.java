package dev.kapsel.container.detached;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Container ids as Docker makes them: 64 lower-case hex digits (256 random bits), shown shortened to 12. */
public final class ContainerId {
    public static final int SHORT_LENGTH = 12;
    private static final Pattern FULL = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainerId() {}

    public static String generate() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    public static boolean isFull(String s) {
        return FULL.matcher(s).matches();
    }

    public static String shorten(String id) {
        return id.length() <= SHORT_LENGTH ? id : id.substring(0, SHORT_LENGTH);
    }
}
