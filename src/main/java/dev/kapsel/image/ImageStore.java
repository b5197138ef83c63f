package dev.kapsel.image;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.host.StoreLock;
import dev.kapsel.image.layer.LayerApplier;
import dev.kapsel.image.layer.LayerCompression;
import dev.kapsel.image.source.ImageSources;
import dev.kapsel.image.source.SourceImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kapsel's OCI image store, {@code <state>/images/}:
 * <pre>
 *   lock                      FileChannel lock serialising every change (and builds)
 *   names.json                image name -> manifest digest
 *   blobs/sha256/&lt;hex&gt;        manifests, configs and layers, content-addressed
 *   unpacked/&lt;hex&gt;/           the root of image &lt;hex&gt; (manifest digest), layers applied
 *   rootfs/&lt;hex&gt;.ext4         that root as a read-only ext4 image, built once
 *   tmp/&lt;pid&gt;-&lt;random&gt;/      staging for work in progress
 *   downloads/&lt;hex&gt;          a blob being pulled, kept across runs so the next pull resumes it
 * </pre>
 * Everything appears by atomic rename of finished, verified work, so a crash or a failed import
 * leaves only staging behind, which the next import removes once its process is gone. Imports
 * stage and verify blobs without the lock and take it only to adopt them and record the name;
 * removal, unpacking and builds hold it throughout.
 */
@SuppressWarnings("try") // try (StoreLock ignored = lock()) is the point: held for the block
public final class ImageStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");

    private final Path root;
    private final BlobStore blobs;
    private final Path tmp;
    private final Path unpacked;
    private final Path rootfs;
    private final Path downloads;

    private ImageStore(Path root) {
        this.root = root;
        this.blobs = new BlobStore(root.resolve("blobs").resolve(Digest.ALGORITHM));
        this.tmp = root.resolve("tmp");
        this.unpacked = root.resolve("unpacked");
        this.rootfs = root.resolve("rootfs");
        this.downloads = root.resolve("downloads");
    }

    /** The store in {@code dir}, created if absent. */
    public static ImageStore open(Path dir) throws IOException {
        ImageStore store = new ImageStore(dir);
        for (Path p : List.of(dir.resolve("blobs").resolve(Digest.ALGORITHM), store.tmp, store.unpacked, store.rootfs, store.downloads)) {
            Files.createDirectories(p);
        }
        return store;
    }

    /** The store in the state directory ({@link StateDirectory#resolve()}{@code /images}). */
    public static ImageStore openDefault() throws IOException {
        return open(StateDirectory.resolve().resolve("images"));
    }

    public Path root() {
        return root;
    }

    private StoreLock lock() throws IOException {
        return StoreLock.acquire(root.resolve("lock"));
    }

    static void checkName(String name) throws InvalidImageNameException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidImageNameException(String.valueOf(name));
        }
    }

    /**
     * Imports the image at {@code source} (layout directory, oci-archive or docker-archive). The
     * image is called {@code name} when given, else what the source calls it; an existing image of
     * that name is replaced, and what only it used is freed.
     */
    public Image load(Path source, String name, Progress progress) throws IOException, ImageException {
        if (name != null) {
            checkName(name);
        }
        try (Staging staging = Staging.create(tmp)) {
            SourceImage image = ImageSources.read(source, staging.newDirectory("archive"), staging, name, progress);
            String chosen = name != null ? name : image.name();
            if (chosen == null || chosen.isEmpty()) {
                throw new ImageNameMissingException(source);
            }
            checkName(chosen);
            progress.update("storing " + chosen);
            try (StoreLock ignored = lock()) {
                staging.commit(image.manifestDigest(), blobs);
                staging.commit(image.manifest().config().digest(), blobs);
                for (Descriptor layer : image.manifest().layers()) {
                    staging.commit(layer.digest(), blobs);
                }
                record(chosen, image.manifestDigest());
                Staging.removeAbandoned(tmp);
            }
            return new Image(chosen, image.manifestDigest(), image.manifest(), image.config(), image.manifest().blobSize());
        } finally {
            progress.done();
        }
    }

    public Image load(Path source, String name) throws IOException, ImageException {
        return load(source, name, Progress.QUIET);
    }

    /** Whether the store holds blob {@code d} (a pull or push skips it then). */
    public boolean hasBlob(Digest d) {
        return blobs.contains(d);
    }

    /** The stored blob {@code d}, for reading (push); a missing blob is a damaged store. */
    public Path blobPath(Digest d) throws MalformedImageException {
        Path p = blobs.path(d);
        if (!Files.isRegularFile(p)) {
            throw new MalformedImageException("the image store lacks blob " + d + " (damaged store: remove and load the image again)");
        }
        return p;
    }

    /** The stored bytes of a manifest or config (bounded by {@link OciJson#MAX_DOCUMENT}). */
    public byte[] document(Digest d) throws IOException, MalformedImageException {
        Path p = blobPath(d);
        if (Files.size(p) > OciJson.MAX_DOCUMENT) {
            throw new MalformedImageException("blob " + d + " is too large for a manifest or config");
        }
        return Files.readAllBytes(p);
    }

    /**
     * Where a pull downloads blob {@code d} before it is verified: {@code downloads/<hex>}. The file
     * outlives a failed or killed pull so that the next one resumes it; the caller locks it
     * ({@code <hex>.lock}) while writing.
     */
    public Path downloadPath(Digest d) {
        return downloads.resolve(d.hex());
    }

    /**
     * Records a pulled image: {@code manifest} (its bytes as the registry served them, which must hash to
     * {@code manifestDigest}) and every config and layer blob it names, each either already stored or
     * a verified file in {@code verified} (moved in). Under the lock, all or nothing: the name is
     * recorded only when every blob is in place.
     */
    public Image adopt(String name, Digest manifestDigest, byte[] manifest, Map<Digest, Path> verified)
            throws IOException, ImageException {
        checkName(name);
        if (!Digest.of(manifest).equals(manifestDigest)) {
            throw new DigestMismatchException("manifest of " + name, manifestDigest, Digest.of(manifest));
        }
        ImageManifest parsed = OciJson.manifest(manifest, "manifest of " + name);
        ImageConfig config;
        try (StoreLock ignored = lock()) {
            List<Descriptor> needed = new ArrayList<>(parsed.layers());
            needed.add(parsed.config());
            for (Descriptor d : needed) {
                if (!blobs.contains(d.digest()) && !verified.containsKey(d.digest())) {
                    throw new MalformedImageException("pulled image " + name + " lacks blob " + d.digest());
                }
            }
            for (Descriptor d : needed) {
                Path file = verified.get(d.digest());
                if (file != null && Files.exists(file)) {
                    blobs.adopt(file, d.digest());
                    Files.deleteIfExists(file); // still there when the store had the blob already
                }
            }
            config = OciJson.config(blob(parsed.config().digest()), "config " + parsed.config().digest());
            if (!blobs.contains(manifestDigest)) {
                try (Staging staging = Staging.create(tmp)) {
                    staging.put(manifest);
                    staging.commit(manifestDigest, blobs);
                }
            }
            record(name, manifestDigest);
        }
        return new Image(name, manifestDigest, parsed, config, parsed.blobSize());
    }

    /** Gives image {@code source} the further name {@code target} (replacing what {@code target} named). */
    public Image tag(String source, String target) throws IOException, ImageException {
        checkName(target);
        try (StoreLock ignored = lock()) {
            Image image = find(source);
            record(target, image.manifestDigest());
            return new Image(target, image.manifestDigest(), image.manifest(), image.config(), image.size());
        }
    }

    /** Points {@code name} at {@code manifestDigest} and frees what only the name's previous image used. Under the lock. */
    private void record(String name, Digest manifestDigest) throws IOException, ImageException {
        NameIndex names = NameIndex.read(root.resolve("names.json"));
        Digest previous = names.get(name);
        names.put(name, manifestDigest);
        names.write();
        if (previous != null && !previous.equals(manifestDigest)) {
            collectGarbage(names);
        }
    }

    /** All images, by name. */
    public List<Image> list() throws IOException, ImageException {
        try (StoreLock ignored = lock()) {
            List<Image> images = new ArrayList<>();
            for (Map.Entry<String, Digest> e : NameIndex.read(root.resolve("names.json")).all().entrySet()) {
                images.add(read(e.getKey(), e.getValue()));
            }
            return images;
        }
    }

    /** The image called {@code name}. */
    public Image image(String name) throws IOException, ImageException {
        try (StoreLock ignored = lock()) {
            return find(name);
        }
    }

    private Image find(String name) throws IOException, ImageException {
        Digest d = NameIndex.read(root.resolve("names.json")).get(name);
        if (d == null) {
            throw new ImageNotFoundException(name);
        }
        return read(name, d);
    }

    private Image read(String name, Digest manifestDigest) throws IOException, ImageException {
        ImageManifest manifest = OciJson.manifest(blob(manifestDigest), "manifest " + manifestDigest);
        ImageConfig config = OciJson.config(blob(manifest.config().digest()), "config " + manifest.config().digest());
        return new Image(name, manifestDigest, manifest, config, manifest.blobSize());
    }

    private byte[] blob(Digest d) throws IOException, MalformedImageException {
        Path p = blobs.path(d);
        if (!Files.isRegularFile(p)) {
            throw new MalformedImageException("the image store lacks blob " + d + " (damaged store: remove and load the image again)");
        }
        return Files.readAllBytes(p);
    }

    /** What {@link #remove} freed. */
    public record Removal(Image image, int blobsFreed, long bytesFreed) {}

    /** Removes {@code name}, then every blob, unpacked root and ext4 image no remaining image uses. */
    public Removal remove(String name) throws IOException, ImageException {
        try (StoreLock ignored = lock()) {
            Image image = find(name);
            NameIndex names = NameIndex.read(root.resolve("names.json"));
            names.remove(name);
            names.write();
            long[] freed = collectGarbage(names);
            return new Removal(image, (int) freed[0], freed[1]);
        }
    }

    /** Deletes blobs, unpacked roots and ext4 images no named image uses; returns {blobs, bytes} freed. Under the lock. */
    private long[] collectGarbage(NameIndex names) throws IOException, ImageException {
        Set<Digest> live = new HashSet<>();
        Set<String> liveImages = new HashSet<>();
        for (Map.Entry<String, Digest> e : names.all().entrySet()) {
            Image other = read(e.getKey(), e.getValue());
            live.add(other.manifestDigest());
            live.add(other.manifest().config().digest());
            other.manifest().layers().forEach(l -> live.add(l.digest()));
            liveImages.add(other.manifestDigest().hex());
        }
        int freed = 0;
        long bytes = 0;
        for (Digest d : blobs.all()) {
            if (!live.contains(d)) {
                bytes += blobs.delete(d);
                freed++;
            }
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(unpacked)) {
            for (Path dir : dirs) {
                if (!liveImages.contains(dir.getFileName().toString())) {
                    LayerApplier.deleteTree(dir);
                }
            }
        }
        try (DirectoryStream<Path> images = Files.newDirectoryStream(rootfs, "*.ext4")) {
            for (Path img : images) {
                String hex = img.getFileName().toString().replaceFirst("\\.ext4$", "");
                if (!liveImages.contains(hex)) {
                    Files.deleteIfExists(img);
                }
            }
        }
        return new long[] {freed, bytes};
    }

    /**
     * The unpacked root directory of {@code name}, layers applied in order; unpacked once per
     * manifest digest and reused. For the sandbox isolation mode; treat it as read-only.
     */
    public Path unpackedRoot(String name, Progress progress) throws IOException, ImageException {
        try (StoreLock ignored = lock()) {
            return unpack(find(name), progress);
        } finally {
            progress.done();
        }
    }

    public Path unpackedRoot(String name) throws IOException, ImageException {
        return unpackedRoot(name, Progress.QUIET);
    }

    /**
     * The read-only ext4 image of {@code name}'s root, {@code rootfs/<manifest hex>.ext4}: built
     * once per manifest digest (unpacking first if needed) and reused by every later call.
     */
    public Path rootfsImage(String name, Progress progress) throws IOException, ImageException {
        try (StoreLock ignored = lock()) {
            Image image = find(name);
            Path target = rootfs.resolve(image.manifestDigest().hex() + ".ext4");
            if (Files.isRegularFile(target)) {
                return target;
            }
            Path dir = unpack(image, progress);
            progress.update("building ext4 image of " + name);
            try (Staging staging = Staging.create(tmp)) {
                Path temp = staging.dir().resolve("rootfs.ext4");
                RootfsBuilder.build(dir, temp, name);
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r--r--"));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } finally {
            progress.done();
        }
    }

    public Path rootfsImage(String name) throws IOException, ImageException {
        return rootfsImage(name, Progress.QUIET);
    }

    /** Unpacks (under the lock) into staging, verifying each layer against its diff_id, then renames. */
    private Path unpack(Image image, Progress progress) throws IOException, ImageException {
        Path target = unpacked.resolve(image.manifestDigest().hex());
        if (Files.isDirectory(target)) {
            return target;
        }
        try (Staging staging = Staging.create(tmp)) {
            Path work = staging.newDirectory("root");
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            LayerApplier applier = new LayerApplier(work);
            List<Descriptor> layers = image.manifest().layers();
            List<Digest> diffIds = image.config().diffIds();
            for (int i = 0; i < layers.size(); i++) {
                Descriptor layer = layers.get(i);
                String label = layer.digest().toString();
                progress.update("extracting layer " + (i + 1) + "/" + layers.size() + " " + layer.digest().shortForm());
                try (InputStream blob = Files.newInputStream(blobs.path(layer.digest()));
                     InputStream tar = LayerCompression.decompress(blob, label)) {
                    DigestingInputStream digesting = new DigestingInputStream(tar);
                    applier.apply(new Unclosable(digesting), label);
                    try {
                        digesting.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        throw new MalformedImageException("layer " + label + " is truncated: " + e.getMessage(), e);
                    }
                    if (i < diffIds.size() && !diffIds.get(i).equals(digesting.digest())) {
                        throw new DigestMismatchException("layer " + label + " (uncompressed)", diffIds.get(i), digesting.digest());
                    }
                }
            }
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
    }

    /** Keeps the tar reader from closing the stream whose remainder is still to be hashed. */
    private static final class Unclosable extends java.io.FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }
}
