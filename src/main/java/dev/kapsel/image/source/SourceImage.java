package dev.kapsel.image.source;

import dev.kapsel.image.Digest;
import dev.kapsel.image.ImageConfig;
import dev.kapsel.image.ImageManifest;

/**
 * An image read from a source with all its blobs staged and verified.
 *
 * @param name the name the source gives it (ref.name annotation or RepoTags), null when none
 */
public record SourceImage(String name, Digest manifestDigest, ImageManifest manifest, ImageConfig config) {}
