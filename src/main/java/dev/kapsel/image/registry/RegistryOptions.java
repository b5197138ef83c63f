package dev.kapsel.image.registry;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.image.OciJson;
import java.io.IOException;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How kapsel talks to registries.
 *
 * @param tlsVerify false: every registry may be plain http and its certificate is not checked
 *     ({@code --tls-verify=false})
 * @param insecure registries ({@code host[:port]}) treated so without the flag: the {@code insecure}
 *     list of {@code <state>/registries.json}; loopback hosts are always insecure, as in Docker
 * @param auth where credentials are read
 * @param proxy HTTP proxies (from the environment)
 */
public record RegistryOptions(boolean tlsVerify, Set<String> insecure, AuthFiles auth, ProxySelector proxy) {
    public RegistryOptions {
        insecure = Set.copyOf(insecure);
    }

    /** The defaults: TLS verified, {@code registries.json} read from {@code stateDir}, auth files and proxies from the environment. */
    public static RegistryOptions defaults(Path stateDir, boolean tlsVerify) throws IOException {
        Map<String, String> env = System.getenv();
        return new RegistryOptions(tlsVerify, insecureRegistries(stateDir.resolve("registries.json")),
                AuthFiles.fromEnvironment(env), EnvironmentProxy.from(env));
    }

    /** The {@code insecure} list of a {@code registries.json} ({@code {"insecure": ["host:5000"]}}); empty when the file is absent. */
    static Set<String> insecureRegistries(Path file) throws IOException {
        Set<String> result = new HashSet<>();
        if (!Files.isRegularFile(file)) {
            return result;
        }
        JsonNode root;
        try {
            root = Json.FOREIGN.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode list = root == null ? null : root.path("insecure");
        if (list != null && !list.isMissingNode() && !list.isArray()) {
            throw new IOException(file + ": 'insecure' must be a list of host[:port] strings");
        }
        if (list != null) {
            list.forEach(n -> result.add(n.asText()));
        }
        return result;
    }

    /** Whether {@code registry} may be spoken to over plain http or unverified TLS. */
    boolean insecure(String registry) {
        String host = registry.replaceFirst(":[0-9]+$", "");
        return !tlsVerify || insecure.contains(registry) || insecure.contains(host)
                || host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }
}
