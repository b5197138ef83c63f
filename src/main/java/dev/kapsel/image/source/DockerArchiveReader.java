package dev.kapsel.image.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.DigestMismatchException;
import dev.kapsel.image.ImageConfig;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageManifest;
import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.OciJson;
import dev.kapsel.image.Progress;
import dev.kapsel.image.layer.LayerCompression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code docker save} archive: {@code manifest.json} lists, per image, the config file, the
 * RepoTags (the first names the image, in Docker's familiar form) and the layer tars, bottom first. kapsel writes the OCI manifest Docker's format lacks;
 * digests are checked where the archive commits to them: a config or layer named by its digest,
 * and each uncompressed layer against the config's {@code rootfs.diff_ids}.
 */
final class DockerArchiveReader {
    private static final Pattern DIGEST_NAME = Pattern.compile("(?:^|/)(?:blobs/sha256/)?([0-9a-f]{64})(?:\\.json)?$");

    private final BlobSource source;
    private final BlobSink sink;
    private final Progress progress;

    DockerArchiveReader(BlobSource source, BlobSink sink, Progress progress) {
        this.source = source;
        this.sink = sink;
        this.progress = progress;
    }

    /** The RepoTags of the archive's first image, for naming a docker-save OCI layout too. */
    static List<String> repoTags(BlobSource source) throws IOException, MalformedImageException {
        if (!source.has("manifest.json")) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (JsonNode t : entries(source).get(0).path("RepoTags")) {
            tags.add(familiar(t.asText()));
        }
        return tags;
    }

    /** A tag in Docker's familiar form, as {@code docker images} shows it: {@code docker.io/library/busybox:1} is {@code busybox:1}. */
    static String familiar(String tag) {
        for (String prefix : List.of("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/")) {
            if (tag.startsWith(prefix) && tag.length() > prefix.length()) {
                return tag.substring(prefix.length());
            }
        }
        return tag;
    }

    private static JsonNode entries(BlobSource source) throws IOException, MalformedImageException {
        Path file = source.file("manifest.json");
        if (Files.size(file) > OciJson.MAX_DOCUMENT) {
            throw new MalformedImageException(source.describe() + ": manifest.json is too large");
        }
        JsonNode root;
        try {
            root = dev.kapsel.host.Json.FOREIGN.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedImageException(source.describe() + ": manifest.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new MalformedImageException(source.describe() + ": manifest.json lists no images");
        }
        return root;
    }

    SourceImage read(String requestedName) throws IOException, ImageException {
        JsonNode all = entries(source);
        JsonNode entry = all.get(0);
        if (requestedName != null) {
            for (JsonNode e : all) {
                for (JsonNode t : e.path("RepoTags")) {
                    if (requestedName.equals(familiar(t.asText())) || requestedName.equals(t.asText())) {
                        entry = e;
                    }
                }
            }
        }
        String configName = entry.path("Config").asText("");
        if (configName.isEmpty()) {
            throw new MalformedImageException(source.describe() + ": manifest.json entry has no Config");
        }
        BlobSink.StagedBlob configBlob = sink.put(source.file(configName), "config " + configName, digestInName(configName), -1);
        if (Files.size(configBlob.path()) > OciJson.MAX_DOCUMENT) {
            throw new MalformedImageException(source.describe() + ": config " + configName + " is too large");
        }
        ImageConfig config = OciJson.config(Files.readAllBytes(configBlob.path()), "config " + configName);
        JsonNode layerNames = entry.path("Layers");
        if (!layerNames.isArray()) {
            throw new MalformedImageException(source.describe() + ": manifest.json entry has no Layers list");
        }
        if (!config.diffIds().isEmpty() && config.diffIds().size() != layerNames.size()) {
            throw new MalformedImageException(source.describe() + ": " + layerNames.size() + " layers but the config lists "
                    + config.diffIds().size() + " diff_ids");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < layerNames.size(); i++) {
            String layerName = layerNames.get(i).asText("");
            progress.update("importing layer " + (i + 1) + "/" + layerNames.size() + " " + layerName);
            BlobSink.StagedBlob blob = sink.put(source.file(layerName), "layer " + layerName, digestInName(layerName), -1);
            LayerCompression compression;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(blob.path()))) {
                compression = LayerCompression.detect(in);
            }
            if (compression == LayerCompression.NONE && !config.diffIds().isEmpty()
                    && !config.diffIds().get(i).equals(blob.digest())) {
                throw new DigestMismatchException("layer " + layerName, config.diffIds().get(i), blob.digest());
            }
            String mediaType = switch (compression) {
                case NONE -> OciJson.MEDIA_LAYER_TAR;
                case GZIP -> OciJson.MEDIA_LAYER_TAR + "+gzip";
                case ZSTD -> OciJson.MEDIA_LAYER_TAR + "+zstd";
            };
            layers.add(new Descriptor(mediaType, blob.digest(), blob.size()));
        }
        ImageManifest manifest = new ImageManifest(new Descriptor(OciJson.MEDIA_CONFIG, configBlob.digest(), configBlob.size()), layers);
        BlobSink.StagedBlob manifestBlob = sink.put(OciJson.manifestDocument(manifest));
        String name = null;
        for (JsonNode t : entry.path("RepoTags")) {
            name = familiar(t.asText());
            break;
        }
        return new SourceImage(name, manifestBlob.digest(), manifest, config);
    }

    private static Digest digestInName(String name) {
        Matcher m = DIGEST_NAME.matcher(name);
        return m.find() ? new Digest(m.group(1)) : null;
    }
}
