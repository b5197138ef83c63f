package dev.kapsel.oci.backend;

import static dev.kapsel.oci.backend.PodmanWithKapsel.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kapsel.testing.Guest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * podman's own network with the sandbox isolation on this host: podman (CNI or netavark, as installed)
 * makes the namespace, veth and port forwarding, and the sandbox's sockets live in that namespace. A
 * detached busybox httpd published with {@code -p} serves a file to the host, {@code ip addr} in it
 * lists the veth's address, another sandbox container fetches from it by address, and a container
 * fetches a file from a server on the host through the bridge's gateway.
 */
class EnginesSandboxNetworkTest {
    private static final String IMAGE = "localhost/kapsel-sandbox-net-busybox:latest";
    private static final String SANDBOX = "dev.kapsel.isolation=sandbox";
    private static final String PAGE = "served from the sandbox";
    @TempDir
    static Path work;
    private static PodmanWithKapsel podman;

    @BeforeAll
    static void image() throws Exception {
        podman = PodmanWithKapsel.sandboxOnHost(work, IMAGE);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (podman != null) {
            podman.run("rm", "-f", "-a");
        }
    }

    private static String get(HttpClient client, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    @Test
    void aPublishedHttpdServesTheHostAndTheContainersReachEachOtherAndTheHost() throws Exception {
        int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
        Process run = podman.startDetached("-p", port + ":80", "--annotation", SANDBOX, "--name", "sbweb", IMAGE, "sh", "-c",
                "mkdir -p /www && echo '" + PAGE + "' > /www/index.html && exec busybox httpd -f -p 80 -h /www");
        assertTrue(run.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), podman.detachedErrors());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String page = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (page == null && System.nanoTime() < deadline) {
            try {
                page = get(client, "http://127.0.0.1:" + port + "/index.html");
            } catch (IOException e) {
                Thread.sleep(250); // httpd not listening yet
            }
        }
        assertEquals(PAGE + "\n", page, "the published port reaches httpd in the sandbox");

        String address = ok(podman.run("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "sbweb")).stdout().strip();
        assertTrue(address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), address);
        Guest.Result ipAddr = ok(podman.run("exec", "sbweb", "busybox", "ip", "addr"));
        assertTrue(ipAddr.stdout().contains("inet " + address + "/"), ipAddr.toString());
        Guest.Result peer = ok(podman.run("run", "--rm", "--annotation", SANDBOX, IMAGE, "busybox", "wget", "-q", "-O", "-",
                "http://" + address + "/index.html"));
        assertEquals(PAGE + "\n", peer.stdout(), "a second container on podman's network reaches the first by address");

        String gateway = ok(podman.run("network", "inspect", "podman", "--format", "{{range .Subnets}}{{.Gateway}}{{end}}"))
                .stdout().strip();
        HttpServer host = HttpServer.create(new InetSocketAddress(gateway, 0), 4);
        host.createContext("/h.txt", x -> {
            byte[] body = "served from the host\n".getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        host.start();
        try {
            Guest.Result fetched = ok(podman.run("run", "--rm", "--annotation", SANDBOX, IMAGE, "busybox", "wget", "-q", "-O",
                    "-", "http://" + gateway + ":" + host.getAddress().getPort() + "/h.txt"));
            assertEquals("served from the host\n", fetched.stdout(), fetched.toString());
        } finally {
            host.stop(0);
        }
        ok(podman.run("rm", "-f", "sbweb"));
    }
}
