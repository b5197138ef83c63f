package dev.kapsel.image.registry;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.OciJson;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code kapsel push}: each layer and the config the registry lacks ({@code HEAD} says 200 when it has
 * it) goes up as a monolithic upload ({@code POST .../blobs/uploads/}, then {@code PUT <Location>?digest=});
 * then the manifest, byte for byte as stored, so the registry's digest is the store's.
 */
public final class Pusher {
    private final ImageStore store;
    private final RegistryOptions options;
    private final Progress progress;

    public Pusher(ImageStore store, RegistryOptions options, Progress progress) {
        this.store = store;
        this.options = options;
        this.progress = progress;
    }

    /** Pushes {@code image} to {@code target} (its tag, or its digest when it has no tag); returns the manifest digest. */
    public Digest push(Image image, Reference target) throws IOException, RegistryException, ImageException {
        try {
            RegistryClient client = new RegistryClient(target.registry(), options, null);
            String ref = target.toString();
            List<Descriptor> blobs = new ArrayList<>(image.manifest().layers());
            blobs.add(image.manifest().config());
            int n = 0;
            for (Descriptor d : blobs) {
                progress.update("pushing " + target.familiar() + ": blob " + (++n) + "/" + blobs.size() + " " + d.digest().shortForm());
                if (!exists(client, target, d.digest())) {
                    upload(client, target, d);
                }
            }
            byte[] manifest = store.document(image.manifestDigest());
            JsonNode json = Json.FOREIGN.readTree(manifest);
            String mediaType = json.path("mediaType").asText(OciJson.MEDIA_MANIFEST);
            String tag = target.tag() != null ? target.tag() : image.manifestDigest().toString();
            progress.update("pushing " + target.familiar() + ": manifest");
            HttpResponse<InputStream> r = client.send(new RegistryClient.Call("PUT", "/v2/" + target.repository() + "/manifests/" + tag,
                    Map.of("Content-Type", mediaType), HttpRequest.BodyPublishers.ofByteArray(manifest), Puller.scope(target, true)),
                    "upload of manifest " + image.manifestDigest(), ref);
            if (r.statusCode() != 201) {
                throw client.failure(r, "upload of manifest " + image.manifestDigest(), ref);
            }
            RegistryClient.discard(r);
            String echoed = r.headers().firstValue("Docker-Content-Digest").orElse(image.manifestDigest().toString());
            if (!echoed.equals(image.manifestDigest().toString())) {
                throw new RegistryProtocolException(client.registry(), ref, "the registry stored manifest " + image.manifestDigest()
                        + " as " + echoed);
            }
            return image.manifestDigest();
        } finally {
            progress.done();
        }
    }

    private static boolean exists(RegistryClient client, Reference target, Digest d) throws IOException, RegistryException {
        HttpResponse<InputStream> r = client.send(new RegistryClient.Call("HEAD", "/v2/" + target.repository() + "/blobs/" + d, Map.of(),
                null, Puller.scope(target, true)), "check of blob " + d, target.toString());
        RegistryClient.discard(r);
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw client.failure(r, "check of blob " + d, target.toString());
    }

    private void upload(RegistryClient client, Reference target, Descriptor d) throws IOException, RegistryException, ImageException {
        String ref = target.toString();
        String what = "upload of blob " + d.digest();
        HttpResponse<InputStream> start = client.send(new RegistryClient.Call("POST", "/v2/" + target.repository() + "/blobs/uploads/",
                Map.of(), null, Puller.scope(target, true)), what, ref);
        if (start.statusCode() != 202) {
            throw client.failure(start, what, ref);
        }
        RegistryClient.discard(start);
        String location = start.headers().firstValue("Location").orElseThrow(() -> new RegistryProtocolException(client.registry(), ref,
                what + ": HTTP 202 without a Location"));
        // The Location is absolute or a path on the registry: RegistryClient.send takes both.
        String put = location + (URI.create(location).getRawQuery() == null ? "?" : "&") + "digest=" + d.digest();
        HttpResponse<InputStream> done = client.send(new RegistryClient.Call("PUT", put,
                Map.of("Content-Type", "application/octet-stream"), HttpRequest.BodyPublishers.ofFile(store.blobPath(d.digest())),
                Puller.scope(target, true)), what, ref);
        if (done.statusCode() != 201) {
            throw client.failure(done, what, ref);
        }
        RegistryClient.discard(done);
    }
}
