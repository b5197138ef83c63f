package dev.kapsel.oci.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.host.Json;
import dev.kapsel.oci.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and checks a bundle's config.json, or a process file given to {@code exec --process}.
 * Malformed JSON, a wrong type or a missing required field is an {@link InvalidConfigException}.
 */
public final class ConfigReader {
    /** Largest config.json read: engines write a few KiB; a bound keeps a hostile file from filling the heap. */
    static final long MAX_BYTES = 4L << 20;

    /** An engine's document: fields this runtime does not know are ignored, as the runtime specification requires. */
    private static final ObjectMapper JSON = Json.FOREIGN;

    private ConfigReader() {}

    public static OciConfig readBundle(Path bundle) {
        OciConfig config = parse(bundle.resolve("config.json"), OciConfig.class);
        validate(config);
        return config;
    }

    public static OciProcess readProcess(Path file) {
        OciProcess process = parse(file, OciProcess.class);
        validate(process, file.toString());
        return process;
    }

    public static OciConfig parse(String json) {
        OciConfig config;
        try {
            config = JSON.readValue(json, OciConfig.class);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("config.json is not valid: " + e.getOriginalMessage(), e);
        }
        validate(config);
        return config;
    }

    private static <T> T parse(Path file, Class<T> type) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidConfigException(file + " is larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            T value = JSON.readValue(file.toFile(), type);
            if (value == null) {
                throw new InvalidConfigException(file + " is empty");
            }
            return value;
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(file + " is not valid: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void validate(OciConfig c) {
        if (c.ociVersion() == null || c.ociVersion().isBlank()) {
            throw new InvalidConfigException("config.json lacks the required field ociVersion");
        }
        if (!c.ociVersion().startsWith("1.")) {
            throw new InvalidConfigException("config.json has ociVersion " + c.ociVersion() + "; kapsel reads 1.x");
        }
        if (c.root() == null || c.root().path() == null || c.root().path().isBlank()) {
            throw new InvalidConfigException("config.json lacks the required field root.path");
        }
        if (c.process() == null) {
            throw new InvalidConfigException("config.json lacks the field process, which create needs");
        }
        validate(c.process(), "config.json");
        for (OciConfig.Mount m : c.mounts()) {
            if (m.destination() == null || m.destination().isBlank()) {
                throw new InvalidConfigException("config.json has a mount without the required field destination");
            }
        }
    }

    static void validate(OciProcess p, String where) {
        if (p.args().isEmpty()) {
            throw new InvalidConfigException(where + " lacks process.args (the command to run)");
        }
        if (p.cwd() == null || !p.cwd().startsWith("/")) {
            throw new InvalidConfigException(where + " needs process.cwd as an absolute path, not " + p.cwd());
        }
        for (OciProcess.Rlimit r : p.rlimits()) {
            if (r.type() == null || !r.type().startsWith("RLIMIT_")) {
                throw new InvalidConfigException(where + " has an rlimit with type " + r.type() + "; expected RLIMIT_*");
            }
        }
        for (String e : p.env()) {
            if (!e.contains("=")) {
                throw new InvalidConfigException(where + " has env entry '" + e + "' without '='");
            }
        }
    }
}
