package dev.kapsel.sandbox.syscall;

/** Little-endian stores into byte arrays, for the structures system calls return. */
final class Bytes {
    private Bytes() {}

    static void putLong(byte[] b, int o, long v) {
        for (int i = 0; i < 8; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putInt(byte[] b, int o, int v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }

    static int getInt(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static void putString(byte[] b, int o, String s, int max) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, b, o, Math.min(bytes.length, max - 1));
    }
}
