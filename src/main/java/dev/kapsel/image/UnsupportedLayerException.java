package dev.kapsel.image;

/** A layer kapsel cannot read: an unknown compression, a tar entry type it cannot create, or zstd without libzstd. */
public final class UnsupportedLayerException extends ImageException {
    public UnsupportedLayerException(String layer, String reason) {
        super("layer " + layer + ": " + reason);
    }
}
