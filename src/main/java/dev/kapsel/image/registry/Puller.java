package dev.kapsel.image.registry;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.DigestMismatchException;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageManifest;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.OciJson;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code kapsel pull}: the manifest by tag or digest (its digest checked against the reference and
 * the registry's {@code Docker-Content-Digest}), an image index resolved to the platform, then the
 * config and the layers the store lacks, {@link #CONCURRENT_BLOBS} at a time, each verified as it
 * streams ({@link BlobDownload}). The store records the image only when every blob is verified, so
 * a failed pull stores nothing (its partial downloads wait in {@code downloads/} for the next pull).
 */
public final class Puller {
    /** Blobs downloaded at once: enough to fill a link, few enough not to flood a registry (Docker uses 3). */
    static final int CONCURRENT_BLOBS = 3;
    /** distribution refuses manifests over 4 MiB; kapsel reads no more. */
    static final int MAX_MANIFEST = 4 << 20;
    /** Index -> manifest is one level; a nested index is refused past this depth. */
    private static final int MAX_INDEX_DEPTH = 2;

    private final ImageStore store;
    private final RegistryOptions options;
    private final Progress progress;

    public Puller(ImageStore store, RegistryOptions options, Progress progress) {
        this.store = store;
        this.options = options;
        this.progress = progress;
    }

    /** The scope of a token for {@code ref}'s repository (token-auth spec): pull, or pull and push. */
    static String scope(Reference ref, boolean push) {
        return "repository:" + ref.repository() + (push ? ":pull,push" : ":pull");
    }

    /** A manifest as the registry served it. */
    record Fetched(byte[] bytes, Digest digest, String mediaType) {}

    /** Pulls {@code ref} for {@code platform} and stores it under {@code ref.familiar()}. */
    public Image pull(Reference ref, Platform platform) throws IOException, RegistryException, ImageException {
        try {
            RegistryClient client = new RegistryClient(ref.registry(), options, null);
            String name = ref.familiar();
            progress.update("pulling " + name + ": manifest");
            Fetched fetched = manifest(client, ref, ref.manifestReference(), ref.digest(), -1);
            for (int depth = 0; MediaTypes.INDEXES.contains(fetched.mediaType()); depth++) {
                if (depth >= MAX_INDEX_DEPTH) {
                    throw new RegistryProtocolException(ref.registry(), ref.toString(), "image indexes nested deeper than " + MAX_INDEX_DEPTH);
                }
                Descriptor chosen = choose(ref, fetched, platform);
                fetched = manifest(client, ref, chosen.digest().toString(), chosen.digest(), chosen.size());
            }
            ImageManifest manifest = OciJson.manifest(fetched.bytes(), "manifest " + fetched.digest() + " of " + ref);
            Map<Digest, Path> verified = blobs(client, ref, name, manifest);
            return store.adopt(name, fetched.digest(), fetched.bytes(), verified);
        } finally {
            progress.done();
        }
    }

    /**
     * {@code GET /v2/<repo>/manifests/<reference>}, at most {@link #MAX_MANIFEST} bytes, of a media
     * type kapsel knows; its digest must be {@code expected} (when known) and the registry's
     * {@code Docker-Content-Digest} (when sent).
     */
    static Fetched manifest(RegistryClient client, Reference ref, String reference, Digest expected, long expectedSize)
            throws IOException, RegistryException, DigestMismatchException {
        String what = "manifest " + reference;
        HttpResponse<InputStream> r = client.send(RegistryClient.Call.get("/v2/" + ref.repository() + "/manifests/" + reference,
                Map.of("Accept", MediaTypes.ACCEPT), scope(ref, false)), "fetch of " + what, ref.toString());
        if (r.statusCode() != 200) {
            throw client.failure(r, "fetch of " + what, ref.toString());
        }
        long limit = expectedSize >= 0 ? Math.min(expectedSize, MAX_MANIFEST) : MAX_MANIFEST;
        if (r.headers().firstValueAsLong("Content-Length").orElse(0) > limit) {
            RegistryClient.discard(r);
            throw new RegistryProtocolException(client.registry(), ref.toString(), what + " is larger than " + limit + " bytes");
        }
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes((int) limit + 1);
        }
        if (bytes.length > limit) {
            throw new RegistryProtocolException(client.registry(), ref.toString(), what + " is larger than " + limit + " bytes");
        }
        Digest actual = Digest.of(bytes);
        String label = what + " from " + client.registry() + " (" + ref + ")";
        if (expected != null && !expected.equals(actual)) {
            throw new DigestMismatchException(label, expected, actual);
        }
        String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (header != null && !header.equals(actual.toString())) {
            throw new DigestMismatchException(label + " (Docker-Content-Digest)", parseOrNull(header, actual), actual);
        }
        String mediaType = MediaTypes.bare(r.headers().firstValue("Content-Type").orElse(""));
        if (!MediaTypes.INDEXES.contains(mediaType) && !MediaTypes.MANIFESTS.contains(mediaType)) {
            // Some registries send application/json or nothing: the document's own mediaType decides then.
            JsonNode json = tree(bytes, client, ref, what);
            mediaType = json.path("mediaType").asText(json.has("manifests") ? OciJson.MEDIA_INDEX : OciJson.MEDIA_MANIFEST);
            if (json.path("schemaVersion").asInt(2) == 1) {
                throw new RegistryProtocolException(client.registry(), ref.toString(), what + " is a Docker schema 1 manifest, which kapsel does not read");
            }
            if (!MediaTypes.INDEXES.contains(mediaType) && !MediaTypes.MANIFESTS.contains(mediaType)) {
                throw new RegistryProtocolException(client.registry(), ref.toString(), what + " has media type '" + mediaType
                        + "', not an image manifest or index");
            }
        }
        return new Fetched(bytes, actual, mediaType);
    }

    private static Digest parseOrNull(String header, Digest fallback) {
        try {
            return Digest.parse(header);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static JsonNode tree(byte[] bytes, RegistryClient client, Reference ref, String what) throws RegistryProtocolException {
        try {
            JsonNode json = Json.FOREIGN.readTree(bytes);
            if (json == null || !json.isObject()) {
                throw new RegistryProtocolException(client.registry(), ref.toString(), what + " is not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new RegistryProtocolException(client.registry(), ref.toString(), what + " is not valid JSON", e);
        }
    }

    /** The index entry for {@code platform}; the error lists what the index offers. */
    private Descriptor choose(Reference ref, Fetched index, Platform platform) throws RegistryException, MalformedImageException {
        List<Descriptor> entries = OciJson.indexManifests(index.bytes(), "image index " + index.digest() + " of " + ref);
        JsonNode nodes;
        try {
            nodes = Json.FOREIGN.readTree(index.bytes()).path("manifests");
        } catch (IOException e) {
            throw new MalformedImageException("image index " + index.digest() + " of " + ref + " is not valid JSON", e);
        }
        List<String> offered = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode p = nodes.get(i).path("platform");
            if (!p.isObject()) {
                continue;
            }
            Platform candidate = Platform.of(p);
            offered.add(candidate.toString());
            if (platform.matches(candidate)) {
                return entries.get(i);
            }
        }
        throw new RegistryProtocolException(ref.registry(), ref.toString(), "no image for " + platform + " in the index (it offers "
                + (offered.isEmpty() ? "none" : String.join(", ", offered)) + ")");
    }

    /** Downloads the config and the layers the store lacks, concurrently and bounded; returns the verified files. */
    private Map<Digest, Path> blobs(RegistryClient client, Reference ref, String name, ImageManifest manifest)
            throws IOException, RegistryException, ImageException {
        Map<Digest, Descriptor> wanted = new LinkedHashMap<>();
        wanted.put(manifest.config().digest(), manifest.config());
        for (Descriptor layer : manifest.layers()) {
            wanted.putIfAbsent(layer.digest(), layer);
        }
        wanted.keySet().removeIf(store::hasBlob);
        PullProgress shown = new PullProgress(progress, name, wanted.values());
        BlobDownload download = new BlobDownload(client, ref, store);
        Map<Digest, Path> verified = new LinkedHashMap<>();
        Map<Digest, Future<Path>> running = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(CONCURRENT_BLOBS, wanted.size())))) {
            for (Descriptor d : wanted.values()) {
                String label = (d == manifest.config() ? "config " : "layer ") + d.digest();
                running.put(d.digest(), pool.submit(() -> download.fetch(d, label, bytes -> shown.update(d.digest(), bytes))));
            }
            try {
                for (Map.Entry<Digest, Future<Path>> e : running.entrySet()) {
                    verified.put(e.getKey(), e.getValue().get());
                }
            } catch (ExecutionException e) {
                running.values().forEach(f -> f.cancel(true));
                switch (e.getCause()) {
                    case IOException io -> throw io;
                    case RegistryException re -> throw re;
                    case ImageException ie -> throw ie;
                    case RuntimeException rt -> throw rt;
                    default -> throw new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                running.values().forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("pull of " + ref + " interrupted");
            }
        }
        return verified;
    }
}
