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
            throw new IllegalArgumentException("balloon targetMib must not be negative, not " + targetMib);
        }
    }
}
