package dev.kapsel.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.image.OciLayoutWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** One-layer OCI image layouts for tests ({@link OciLayoutWriter}), with the config's fields as JSON text. */
public final class OciLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciLayout() {}

    /** A layout in {@code dir} holding image {@code name}: {@code layerTar}, and {@code configFields} (JSON) as the config's {@code config}. */
    public static Path write(Path dir, String name, byte[] layerTar, String configFields) throws IOException {
        Map<String, Object> config = JSON.readValue(configFields, new TypeReference<>() {});
        return OciLayoutWriter.write(dir, name, layerTar, config, Instant.parse("2026-11-27T00:00:00Z"));
    }

    /** A regular file entry. */
    public static void file(TarArchiveOutputStream tar, String name, int mode, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
