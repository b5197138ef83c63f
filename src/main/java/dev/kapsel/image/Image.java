package dev.kapsel.image;

/**
 * An image in the store, as {@code kapsel images} lists it and {@code kapsel run} finds it.
 *
 * @param manifestDigest the image's identity: unpacked roots and ext4 images are cached under it
 * @param size bytes of its blobs as stored
 */
public record Image(String name, Digest manifestDigest, ImageManifest manifest, ImageConfig config, long size) {}
