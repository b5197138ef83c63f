package dev.kapsel.image.registry;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapsel.image.OciJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Where registry credentials live, as Podman and Docker keep them: {@code login} writes the
 * containers auth file ({@code $REGISTRY_AUTH_FILE}, else {@code $XDG_RUNTIME_DIR/containers/auth.json},
 * else {@code /run/containers/<uid>/auth.json}); pulls and pushes read it first, then Docker's
 * {@code $DOCKER_CONFIG/config.json} (else {@code ~/.docker/config.json}). Both hold
 * {@code {"auths": {"<registry>": {"auth": "base64(user:password)"}}}}; Docker's credential helpers
 * ({@code credsStore}) are not run. Files are written mode 0600 by rename.
 */
public final class AuthFiles {
    private static final String DOCKER_HUB_LEGACY = "https://index.docker.io/v1/";
    private final Path containers;
    private final Path docker;

    public AuthFiles(Path containers, Path docker) {
        this.containers = containers;
        this.docker = docker;
    }

    /** The files the environment names (see the class comment). */
    public static AuthFiles fromEnvironment(Map<String, String> env) {
        Path containers;
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            containers = Path.of(env.get("REGISTRY_AUTH_FILE"));
        } else if (env.get("XDG_RUNTIME_DIR") != null) {
            containers = Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json");
        } else {
            containers = Path.of("/run/containers", String.valueOf(uid()), "auth.json");
        }
        Path docker = env.get("DOCKER_CONFIG") != null ? Path.of(env.get("DOCKER_CONFIG"), "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
        return new AuthFiles(containers, docker);
    }

    public static AuthFiles fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    public Path containersFile() {
        return containers;
    }

    /** The credentials for {@code registry} (as a reference names it: {@code docker.io}, {@code host:5000}), or null. */
    public RegistryCredentials lookup(String registry) throws IOException {
        for (Path file : List.of(containers, docker)) {
            JsonNode auths = auths(file);
            for (String key : keys(registry)) {
                JsonNode entry = auths.path(key);
                if (entry.isObject() && entry.path("auth").isTextual()) {
                    RegistryCredentials c = RegistryCredentials.decode(entry.path("auth").asText());
                    if (c != null) {
                        return c;
                    }
                }
            }
            // Docker also writes keys as URLs: https://host/ or http://host/v2/.
            for (var e : auths.properties()) {
                if (e.getValue().path("auth").isTextual() && hostOf(e.getKey()).equals(registry)) {
                    RegistryCredentials c = RegistryCredentials.decode(e.getValue().path("auth").asText());
                    if (c != null) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private static List<String> keys(String registry) {
        return registry.equals(Reference.DOCKER_HUB)
                ? List.of("docker.io", DOCKER_HUB_LEGACY, "index.docker.io", "registry-1.docker.io")
                : List.of(registry);
    }

    private static String hostOf(String key) {
        String k = key.replaceFirst("^[a-z]+://", "");
        int slash = k.indexOf('/');
        return slash < 0 ? k : k.substring(0, slash);
    }

    /** Stores credentials for {@code registry} in the containers auth file. */
    public void store(String registry, RegistryCredentials credentials) throws IOException {
        ObjectNode root = rootOf(containers);
        ObjectNode auths = root.path("auths").isObject() ? (ObjectNode) root.path("auths") : root.putObject("auths");
        auths.putObject(registry).put("auth", credentials.encoded());
        write(root);
    }

    /** Removes {@code registry}'s entry from the containers auth file; false when there was none. */
    public boolean remove(String registry) throws IOException {
        ObjectNode root = rootOf(containers);
        if (!(root.path("auths") instanceof ObjectNode auths) || auths.remove(registry) == null) {
            return false;
        }
        write(root);
        return true;
    }

    private static JsonNode auths(Path file) throws IOException {
        return rootOf(file).path("auths");
    }

    private static ObjectNode rootOf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Json.FOREIGN.createObjectNode();
        }
        try {
            JsonNode root = Json.FOREIGN.readTree(file.toFile());
            return root instanceof ObjectNode o ? o : Json.FOREIGN.createObjectNode();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private void write(ObjectNode root) throws IOException {
        Path dir = containers.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path temp = dir.resolve(containers.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.write(temp, Json.FOREIGN.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, containers, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
