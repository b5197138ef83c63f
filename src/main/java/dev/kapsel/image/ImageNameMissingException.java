package dev.kapsel.image;

import java.nio.file.Path;

/** An imported image carries no name (no ref.name annotation, no RepoTags) and none was given. */
public final class ImageNameMissingException extends ImageException {
    public ImageNameMissingException(Path source) {
        super(source + " does not name its image (no org.opencontainers.image.ref.name annotation or RepoTags): give one with --name");
    }
}
