package dev.kapsel.image.registry;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real distribution v2 registry (Debian's {@code docker-registry}) on a free 127.0.0.1 port, with a
 * throwaway config and storage directory: open, htpasswd basic auth, or bearer tokens from a
 * {@link TestTokenServer}. Tests that need it fail (not skip) when the binary is missing.
 */
public final class TestRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Path dir;

    private TestRegistry(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** No authentication. */
    public static TestRegistry open(Path dir) throws Exception {
        return start(dir, "");
    }

    /** htpasswd basic auth with one user (bcrypt entry written by htpasswd). */
    static TestRegistry basicAuth(Path dir, String user, String password) throws Exception {
        Files.createDirectories(dir);
        Path htpasswd = dir.resolve("htpasswd");
        Process p = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
        byte[] entry = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("htpasswd failed (run bin/setup, which installs apache2-utils): "
                    + new String(entry, StandardCharsets.UTF_8));
        }
        Files.write(htpasswd, entry);
        return start(dir, """
                auth:
                  htpasswd:
                    realm: kapsel-test
                    path: %s
                """.formatted(htpasswd));
    }

    /** Bearer tokens: the registry sends clients to {@code tokens} and checks its signatures. */
    static TestRegistry tokenAuth(Path dir, TestTokenServer tokens) throws Exception {
        return start(dir, """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(tokens.realm(), TestTokenServer.SERVICE, TestTokenServer.ISSUER, tokens.certificate()));
    }

    private static TestRegistry start(Path dir, String auth) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: run bin/setup (it installs Debian's docker-registry)");
        }
        Files.createDirectories(dir);
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                %s""".formatted(dir.resolve("data"), port, auth));
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        TestRegistry registry = new TestRegistry(process, port, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                c.setConnectTimeout(200);
                c.getResponseCode();
                c.disconnect();
                return registry;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        registry.close();
        throw new IllegalStateException("docker-registry did not listen on 127.0.0.1:" + port + " within 15 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of a reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    /** Runs skopeo (plain http, no TLS verification) and returns its stdout; fails with its output. */
    public static String skopeo(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        return run(command);
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
