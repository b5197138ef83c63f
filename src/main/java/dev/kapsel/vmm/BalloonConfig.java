package dev.kapsel.vmm;

/**
 * A virtio-balloon device whose target, set at boot, is {@code targetMib} MiB the guest gives back to
 * the host; with {@code deflateOnOom} the guest may take pages back under memory pressure.
 *
 * @param targetMib    the balloon's target size in MiB (0 attaches the device with an empty balloon)
 * @param deflateOnOom offer VIRTIO_BALLOON_F_DEFLATE_ON_OOM
 */
public record BalloonConfig(long targetMib, boolean deflateOnOom) {
    public BalloonConfig {
        if (targetMib < 0) {
            throw new IllegalArgumentException("--balloon size must not be negative, not " + targetMib);
        }
    }

    /** Parses the {@code --balloon} syntax {@code MIB[,deflate-on-oom]}. */
    public static BalloonConfig parse(String spec) {
        String[] parts = spec.split(",");
        long mib;
        try {
            mib = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--balloon " + spec + ": the size must be a number of MiB, not '" + parts[0]
                    + "' (the syntax is MIB[,deflate-on-oom])");
        }
        boolean deflate = false;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].equals("deflate-on-oom")) {
                throw new IllegalArgumentException("--balloon " + spec + ": unknown option '" + parts[i]
                        + "' (the syntax is MIB[,deflate-on-oom])");
            }
            deflate = true;
        }
        return new BalloonConfig(mib, deflate);
    }
}
