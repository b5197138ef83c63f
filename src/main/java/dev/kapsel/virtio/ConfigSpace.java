package dev.kapsel.virtio;

/** A device's configuration space as the driver reads it: bytes at an offset, zeros outside. */
public final class ConfigSpace {
    private ConfigSpace() {}

    /**
     * Copies {@code config} into a driver read of {@code data.length} bytes at {@code offset}; bytes
     * past its end (or before it) read as 0.
     */
    public static void read(byte[] config, long offset, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            long at = offset + i;
            data[i] = at >= 0 && at < config.length ? config[(int) at] : 0;
        }
    }
}
