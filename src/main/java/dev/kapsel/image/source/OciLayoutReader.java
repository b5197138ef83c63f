package dev.kapsel.image.source;

import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.ImageConfig;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageManifest;
import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.OciJson;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OCI image layout (image spec, "Image Layout"): {@code index.json} names the manifests,
 * blobs live at {@code blobs/sha256/<hex>}. One image is chosen: the entry whose
 * {@code org.opencontainers.image.ref.name} equals the requested name, else the only one; nested
 * indexes (multi-platform images) are followed to their {@code linux/amd64} entry.
 */
final class OciLayoutReader {
    static final int MAX_INDEX_DEPTH = 4;
    static final String WANTED_PLATFORM = "linux/amd64";

    private final BlobSource source;
    private final BlobSink sink;
    private final Progress progress;

    OciLayoutReader(BlobSource source, BlobSink sink, Progress progress) {
        this.source = source;
        this.sink = sink;
        this.progress = progress;
    }

    SourceImage read(String requestedName) throws IOException, ImageException {
        byte[] index = bounded("index.json");
        List<Descriptor> entries = OciJson.indexManifests(index, source.describe() + " index.json");
        Descriptor chosen = choose(entries, requestedName);
        String name = chosen.annotations().get(Descriptor.REF_NAME);
        for (int depth = 0; isIndex(chosen); depth++) {
            if (depth >= MAX_INDEX_DEPTH) {
                throw new MalformedImageException(source.describe() + ": image indexes nested deeper than " + MAX_INDEX_DEPTH);
            }
            byte[] nested = Files.readAllBytes(stage(chosen, "index " + chosen.digest()).path());
            chosen = platform(OciJson.indexManifests(nested, "index " + chosen.digest()), chosen.digest());
        }
        BlobSink.StagedBlob manifestBlob = stage(chosen, "manifest " + chosen.digest());
        ImageManifest manifest = OciJson.manifest(Files.readAllBytes(manifestBlob.path()), "manifest " + chosen.digest());
        BlobSink.StagedBlob configBlob = stage(manifest.config(), "config " + manifest.config().digest());
        ImageConfig config = OciJson.config(Files.readAllBytes(configBlob.path()), "config " + manifest.config().digest());
        if (!config.diffIds().isEmpty() && config.diffIds().size() != manifest.layers().size()) {
            throw new MalformedImageException("manifest " + chosen.digest() + " has " + manifest.layers().size()
                    + " layers but its config lists " + config.diffIds().size() + " diff_ids");
        }
        int i = 0;
        for (Descriptor layer : manifest.layers()) {
            progress.update("importing layer " + ++i + "/" + manifest.layers().size() + " " + layer.digest().shortForm());
            stage(layer, "layer " + layer.digest());
        }
        return new SourceImage(name, manifestBlob.digest(), manifest, config);
    }

    private byte[] bounded(String name) throws IOException, MalformedImageException {
        var file = source.file(name);
        if (Files.size(file) > OciJson.MAX_DOCUMENT) {
            throw new MalformedImageException(source.describe() + ": " + name + " is larger than " + OciJson.MAX_DOCUMENT + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private BlobSink.StagedBlob stage(Descriptor d, String label) throws IOException, ImageException {
        String path = "blobs/" + Digest.ALGORITHM + "/" + d.digest().hex();
        if (!d.mediaType().contains("layer") && d.size() > OciJson.MAX_DOCUMENT) {
            throw new MalformedImageException(source.describe() + ": " + label + " claims " + d.size() + " bytes, too large for a JSON document");
        }
        return sink.put(source.file(path), label + " (" + path + ")", d.digest(), d.size());
    }

    private static boolean isIndex(Descriptor d) {
        return d.mediaType().equals(OciJson.MEDIA_INDEX) || d.mediaType().equals(OciJson.DOCKER_MANIFEST_LIST);
    }

    private Descriptor choose(List<Descriptor> entries, String requestedName) throws MalformedImageException {
        if (entries.isEmpty()) {
            throw new MalformedImageException(source.describe() + ": index.json lists no images");
        }
        if (requestedName != null) {
            for (Descriptor d : entries) {
                if (requestedName.equals(d.annotations().get(Descriptor.REF_NAME))) {
                    return d;
                }
            }
        }
        if (entries.size() == 1) {
            return entries.getFirst();
        }
        List<String> names = new ArrayList<>();
        for (Descriptor d : entries) {
            names.add(d.annotations().getOrDefault(Descriptor.REF_NAME, d.digest().shortForm()));
        }
        throw new MalformedImageException(source.describe() + " holds " + entries.size() + " images " + names
                + ": choose one with --name REF");
    }

    private static Descriptor platform(List<Descriptor> entries, Digest index) throws MalformedImageException {
        for (Descriptor d : entries) {
            if (WANTED_PLATFORM.equals(d.platform())) {
                return d;
            }
        }
        if (entries.size() == 1 && entries.getFirst().platform() == null) {
            return entries.getFirst();
        }
        throw new MalformedImageException("index " + index + " has no " + WANTED_PLATFORM + " image");
    }
}
