package dev.kapsel.image.source;

import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.UnsupportedLayerException;
import dev.kapsel.image.layer.LayerCompression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image archive (oci-archive or docker-archive tar, optionally gzip- or zstd-compressed) unpacked
 * into a staging directory so its files can be read in any order. Only regular files are written,
 * each under a generated name; symlinks (Docker archives link duplicate layers) are kept as a map
 * and resolved by name inside the archive, so nothing in the archive can point outside it.
 */
final class StagedArchive implements BlobSource {
    static final int MAX_ENTRIES = 100_000;
    private static final int MAX_SYMLINKS = 40;

    private final Path archive;
    private final Map<String, Path> files = new HashMap<>();
    private final Map<String, String> symlinks = new HashMap<>();

    private StagedArchive(Path archive) {
        this.archive = archive;
    }

    /** Unpacks {@code archive} into the empty directory {@code staging}. */
    static StagedArchive unpack(Path archive, Path staging) throws IOException, MalformedImageException {
        StagedArchive staged = new StagedArchive(archive);
        int count = 0;
        try (InputStream raw = Files.newInputStream(archive);
             InputStream plain = LayerCompression.decompress(raw, archive.toString());
             TarArchiveInputStream tar = new TarArchiveInputStream(plain, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++count > MAX_ENTRIES) {
                    throw new MalformedImageException(archive + " has more than " + MAX_ENTRIES + " entries");
                }
                String name = normalize(entry.getName());
                if (name == null) {
                    throw new MalformedImageException(archive + ": entry '" + entry.getName() + "' has an unsafe name");
                }
                if (entry.isSymbolicLink()) {
                    staged.symlinks.put(name, entry.getLinkName());
                } else if (entry.isLink()) {
                    staged.symlinks.put(name, "/" + entry.getLinkName());
                } else if (entry.isFile()) {
                    Path target = staging.resolve("f" + staged.files.size());
                    long written;
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                        written = tar.transferTo(out);
                    }
                    if (written != entry.getSize()) {
                        throw new MalformedImageException(archive + " is truncated (in '" + name + "')");
                    }
                    staged.files.put(name, target);
                }
            }
        } catch (UnsupportedLayerException e) {
            throw new MalformedImageException(archive + ": " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new MalformedImageException(archive + " is truncated: " + e.getMessage(), e);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).toLowerCase().contains("truncated")) {
                throw new MalformedImageException(archive + " is truncated: " + e.getMessage(), e);
            }
            if (!Files.isReadable(archive)) {
                throw e;
            }
            throw new MalformedImageException(archive + " is not a readable tar archive: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MalformedImageException(archive + " is not a readable tar archive: " + e.getMessage(), e);
        }
        if (count == 0) {
            throw new MalformedImageException(archive + " is empty or not a tar archive");
        }
        return staged;
    }

    /** A relative name without {@code .}, {@code ..} or empty components; null when it climbs out. */
    static String normalize(String name) {
        Deque<String> parts = new ArrayDeque<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
                continue;
            }
            parts.addLast(c);
        }
        return String.join("/", parts);
    }

    private Path lookup(String name) {
        String current = normalize(name);
        for (int hops = 0; current != null && hops <= MAX_SYMLINKS; hops++) {
            Path p = files.get(current);
            if (p != null) {
                return p;
            }
            String target = symlinks.get(current);
            if (target == null) {
                return null;
            }
            if (target.startsWith("/")) {
                current = normalize(target);
            } else {
                int slash = current.lastIndexOf('/');
                current = normalize((slash < 0 ? "" : current.substring(0, slash + 1)) + target);
            }
        }
        return null;
    }

    @Override
    public Path file(String name) throws MalformedImageException {
        Path p = lookup(name);
        if (p == null) {
            throw new MalformedImageException(describe() + " lacks " + name);
        }
        return p;
    }

    @Override
    public boolean has(String name) {
        return lookup(name) != null;
    }

    List<String> names() {
        List<String> all = new ArrayList<>(files.keySet());
        all.addAll(symlinks.keySet());
        return all;
    }

    @Override
    public String describe() {
        return "archive " + archive;
    }
}
