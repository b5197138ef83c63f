package dev.kapsel.image;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's table of image names to manifest digests, {@code <images>/names.json}. Read and
 * written only under the {@link dev.kapsel.host.StoreLock}; written to a temporary file and renamed over the old
 * one, so a reader never sees half a table.
 */
final class NameIndex {
    private final Path file;
    private final TreeMap<String, Digest> names = new TreeMap<>();

    private NameIndex(Path file) {
        this.file = file;
    }

    static NameIndex read(Path file) throws IOException, MalformedImageException {
        NameIndex index = new NameIndex(file);
        if (Files.exists(file)) {
            Map<String, String> raw;
            try {
                raw = dev.kapsel.host.Json.RECORDS.readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new MalformedImageException("the image store's " + file + " is damaged: " + e.getOriginalMessage(), e);
            }
            for (Map.Entry<String, String> e : raw.entrySet()) {
                index.names.put(e.getKey(), OciJson.digest(e.getValue(), file.toString()));
            }
        }
        return index;
    }

    Digest get(String name) {
        return names.get(name);
    }

    Map<String, Digest> all() {
        return java.util.Collections.unmodifiableMap(names);
    }

    void put(String name, Digest manifest) {
        names.put(name, manifest);
    }

    boolean remove(String name) {
        return names.remove(name) != null;
    }

    void write() throws IOException {
        Map<String, String> raw = new TreeMap<>();
        names.forEach((k, v) -> raw.put(k, v.toString()));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.write(temp, dev.kapsel.host.Json.RECORDS.writerWithDefaultPrettyPrinter().writeValueAsBytes(raw));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
