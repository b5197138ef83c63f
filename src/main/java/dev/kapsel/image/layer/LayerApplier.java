package dev.kapsel.image.layer;

import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.UnsafeLayerEntryException;
import dev.kapsel.image.UnsupportedLayerException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies one OCI layer (a tar stream, already decompressed) to a root directory, as the OCI image
 * spec's "Applying changesets" describes: entries replace what lower layers left, {@code .wh.NAME}
 * deletes NAME, {@code .wh..wh..opq} empties its directory of lower-layer content. Regular files,
 * directories, symlinks, hard links, device nodes and FIFOs are created with their mode (setuid
 * bits included), owner, modification time and extended attributes (PAX {@code SCHILY.xattr.*} and
 * {@code LIBARCHIVE.xattr.*}).
 *
 * <p>Nothing is written outside the root: names with {@code ..} or a leading {@code /}, and any
 * entry or hard-link target whose directory path runs through a symlink leading out of the root,
 * are refused with an {@link UnsafeLayerEntryException} naming the layer and the entry. The root
 * is expected to be a private staging directory the caller discards on failure.
 */
public final class LayerApplier {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final String SCHILY_XATTR = "SCHILY.xattr.";
    private static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

    private final Path root;
    private final RootedResolver resolver;
    /** The current entry's xattrs as raw bytes (see {@link PaxXattrTap}); null when the tap lost the stream. */
    private Map<String, byte[]> rawXattrs;

    public LayerApplier(Path root) {
        this.root = root;
        this.resolver = new RootedResolver(root);
    }

    /** Counts of what one layer did, for progress and tests. */
    public record Result(long entries, long whiteouts, long bytes) {}

    /**
     * Applies the uncompressed tar stream {@code tar}; {@code layer} names it in errors (a digest or
     * file name). Truncated or corrupt tar data is a {@link MalformedImageException}.
     */
    public Result apply(InputStream tar, String layer)
            throws IOException, MalformedImageException, UnsafeLayerEntryException, UnsupportedLayerException {
        Set<Path> created = new HashSet<>();
        long entries = 0;
        long whiteouts = 0;
        long bytes = 0;
        PaxXattrTap tap = new PaxXattrTap(tar);
        try (TarArchiveInputStream in = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = nextEntry(in, layer)) != null) {
                entries++;
                String name = entry.getName();
                rawXattrs = tap.xattrsFor(name);
                EntryPath path;
                try {
                    path = EntryPath.parse(name);
                } catch (IllegalArgumentException e) {
                    throw new UnsafeLayerEntryException(layer, name, e.getMessage());
                }
                if (path.isRoot()) {
                    if (entry.isDirectory()) {
                        applyMetadata(root, entry, layer);
                    }
                    continue;
                }
                Path parent = parentOf(path.parent(), layer, name);
                String last = path.last();
                if (last.equals(OPAQUE)) {
                    whiteouts++;
                    makeOpaque(parent, created);
                    continue;
                }
                if (last.startsWith(WHITEOUT_PREFIX)) {
                    String victim = last.substring(WHITEOUT_PREFIX.length());
                    if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
                        throw new UnsafeLayerEntryException(layer, name, "whiteout of '" + victim + "'");
                    }
                    whiteouts++;
                    Path target = parent.resolve(victim);
                    if (!created.contains(target)) {
                        deleteTree(target);
                    }
                    continue;
                }
                Path target = parent.resolve(last);
                bytes += create(in, entry, target, layer, name);
                created.add(target);
            }
        }
        return new Result(entries, whiteouts, bytes);
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream in, String layer) throws MalformedImageException {
        try {
            return in.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw truncated(layer, e);
        }
    }

    private static MalformedImageException truncated(String layer, Exception e) {
        String why = e instanceof EOFException || String.valueOf(e.getMessage()).toLowerCase().contains("truncated")
                ? "truncated" : "not a valid tar";
        return new MalformedImageException("layer " + layer + " is " + why + ": " + e.getMessage(), e);
    }

    private Path parentOf(List<String> components, String layer, String name)
            throws IOException, UnsafeLayerEntryException, MalformedImageException {
        try {
            return resolver.directory(components, true);
        } catch (RootedResolver.Escape e) {
            throw new UnsafeLayerEntryException(layer, name, e.getMessage());
        } catch (NotDirectoryException e) {
            throw new MalformedImageException("layer " + layer + ": entry '" + name + "': " + e.getMessage() + " is not a directory");
        }
    }

    /** Creates one entry at {@code target} (a path in a real directory of the root); returns content bytes. */
    private long create(TarArchiveInputStream in, TarArchiveEntry entry, Path target, String layer, String name)
            throws IOException, UnsafeLayerEntryException, MalformedImageException, UnsupportedLayerException {
        if (entry.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(target);
                Files.createDirectory(target);
            }
            applyMetadata(target, entry, layer);
            return 0;
        }
        if (entry.isLink()) {
            Path existing = hardLinkTarget(entry.getLinkName(), layer, name);
            if (existing.equals(target)) {
                return 0;
            }
            deleteTree(target);
            Files.createLink(target, existing);
            return 0;
        }
        deleteTree(target);
        if (entry.isSymbolicLink()) {
            String linkName = entry.getLinkName();
            if (linkName.isEmpty() || linkName.indexOf('\0') >= 0) {
                throw new MalformedImageException("layer " + layer + ": symlink '" + name + "' has no valid target");
            }
            Files.createSymbolicLink(target, Path.of(linkName));
            applyMetadata(target, entry, layer);
            return 0;
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            int type = entry.isCharacterDevice() ? NativeFiles.S_IFCHR : entry.isBlockDevice() ? NativeFiles.S_IFBLK : NativeFiles.S_IFIFO;
            NativeFiles.mknod(target, type | (entry.getMode() & 07777), entry.getDevMajor(), entry.getDevMinor());
            applyMetadata(target, entry, layer);
            return 0;
        }
        if (entry.isFile()) {
            long written;
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                try {
                    written = in.transferTo(out);
                } catch (IOException e) {
                    throw truncated(layer, e);
                }
            }
            if (written != entry.getSize()) {
                throw new MalformedImageException("layer " + layer + " is truncated: entry '" + name + "' has " + written
                        + " of " + entry.getSize() + " bytes");
            }
            applyMetadata(target, entry, layer);
            return written;
        }
        throw new UnsupportedLayerException(layer, "entry '" + name + "' has a tar type kapsel cannot create ('"
                + (char) entry.getLinkFlag() + "')");
    }

    /** A hard link's target: an existing non-directory inside the root, reached without leaving it. */
    private Path hardLinkTarget(String linkName, String layer, String name)
            throws IOException, UnsafeLayerEntryException, MalformedImageException {
        EntryPath link;
        try {
            link = EntryPath.parse(linkName);
        } catch (IllegalArgumentException e) {
            throw new UnsafeLayerEntryException(layer, name, "hard link to '" + linkName + "': " + e.getMessage());
        }
        if (link.isRoot()) {
            throw new UnsafeLayerEntryException(layer, name, "hard link to the root");
        }
        Path dir;
        try {
            dir = resolver.directory(link.parent(), false);
        } catch (RootedResolver.Escape e) {
            throw new UnsafeLayerEntryException(layer, name, "hard link to '" + linkName + "' " + e.getMessage());
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new MalformedImageException("layer " + layer + ": hard link '" + name + "' to missing '" + linkName + "'");
        }
        Path existing = dir.resolve(link.last());
        if (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new MalformedImageException("layer " + layer + ": hard link '" + name + "' to missing '" + linkName + "'");
        }
        if (Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeLayerEntryException(layer, name, "hard link to directory '" + linkName + "'");
        }
        return existing;
    }

    private void applyMetadata(Path target, TarArchiveEntry entry, String layer) throws IOException, MalformedImageException {
        boolean symlink = entry.isSymbolicLink();
        long uid = entry.getLongUserId();
        long gid = entry.getLongGroupId();
        if (uid < 0 || uid > Integer.MAX_VALUE || gid < 0 || gid > Integer.MAX_VALUE) {
            throw new MalformedImageException("layer " + layer + ": entry '" + entry.getName() + "' has owner " + uid + ":" + gid
                    + " out of range");
        }
        // Owner first: chown clears setuid/setgid bits and file capabilities, mode and xattrs come after.
        NativeFiles.lchown(target, (int) uid, (int) gid);
        if (!symlink) {
            NativeFiles.chmod(target, entry.getMode() & 07777);
        }
        Map<String, byte[]> attrs = xattrs(entry);
        if (rawXattrs != null) {
            attrs.putAll(rawXattrs);
        }
        for (Map.Entry<String, byte[]> x : attrs.entrySet()) {
            NativeFiles.lsetxattr(target, x.getKey(), x.getValue());
        }
        java.time.Instant mtime = entry.getLastModifiedTime().toInstant();
        NativeFiles.setModifiedTime(target, mtime.getEpochSecond(), mtime.getNano());
    }

    /**
     * Extended attributes from the PAX headers. {@code LIBARCHIVE.xattr.*} values are base64 and
     * exact; {@code SCHILY.xattr.*} values are raw bytes that commons-compress decodes as UTF-8, so
     * here they round-trip only when they are valid UTF-8 (binary ones are skipped, not corrupted);
     * the {@link PaxXattrTap} supplies their exact bytes.
     */
    static Map<String, byte[]> xattrs(TarArchiveEntry entry) {
        Map<String, byte[]> result = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> h : entry.getExtraPaxHeaders().entrySet()) {
            String key = h.getKey();
            if (key.startsWith(LIBARCHIVE_XATTR)) {
                String attr = java.net.URLDecoder.decode(key.substring(LIBARCHIVE_XATTR.length()), StandardCharsets.UTF_8);
                try {
                    result.put(attr, Base64.getDecoder().decode(h.getValue().strip()));
                } catch (IllegalArgumentException ignored) {
                    // Not base64: not something libarchive wrote; skip rather than guess.
                }
            } else if (key.startsWith(SCHILY_XATTR)) {
                String value = h.getValue();
                if (value.indexOf('\uFFFD') < 0) {
                    result.putIfAbsent(key.substring(SCHILY_XATTR.length()), value.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return result;
    }

    /** Removes what lower layers put in {@code dir}, keeping what this layer created. */
    private static void makeOpaque(Path dir, Set<Path> created) throws IOException {
        List<Path> victims = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (!created.contains(child)) {
                    victims.add(child);
                }
            }
        }
        for (Path v : victims) {
            deleteTree(v);
        }
    }

    /** Deletes a file, symlink (not its target) or directory tree; absent is fine. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
