package dev.kapsel.image.source;

import dev.kapsel.image.ImageException;
import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an image from what the user gave {@code kapsel load}: an OCI layout directory, an
 * oci-archive tar, or a docker-archive tar ({@code docker save}; Docker 25+ archives, which hold
 * both, are read as OCI layouts and named by their RepoTags).
 */
public final class ImageSources {
    private ImageSources() {}

    /**
     * Stages and verifies the image's blobs into {@code sink}; {@code scratch} is an empty directory
     * for unpacking archives, which the caller removes. {@code requestedName} (may be null) picks
     * among several images in one source.
     */
    public static SourceImage read(Path path, Path scratch, BlobSink sink, String requestedName, Progress progress)
            throws IOException, ImageException {
        if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        BlobSource source;
        if (Files.isDirectory(path)) {
            source = new LayoutDirectory(path);
        } else {
            progress.update("unpacking " + path.getFileName());
            source = StagedArchive.unpack(path, scratch);
        }
        if (source.has("index.json")) {
            SourceImage image = new OciLayoutReader(source, sink, progress).read(requestedName);
            List<String> tags = DockerArchiveReader.repoTags(source);
            return tags.isEmpty() ? image
                    : new SourceImage(tags.getFirst(), image.manifestDigest(), image.manifest(), image.config());
        }
        if (source.has("manifest.json")) {
            return new DockerArchiveReader(source, sink, progress).read(requestedName);
        }
        throw new MalformedImageException(source.describe() + " is neither an OCI layout (index.json) nor a docker-archive (manifest.json)");
    }
}
