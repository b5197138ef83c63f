package dev.kapsel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapsel.api.http.HttpLimits;
import dev.kapsel.api.http.HttpServer;
import dev.kapsel.api.http.RawClient;
import dev.kapsel.vmm.ConsoleCountPayload;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots through Firecracker's API on this host's KVM, each controller behind its own API socket:
 * a real-mode guest counting on its serial console ({@link ConsoleCountPayload}) is started with
 * InstanceStart, paused with PATCH /vm and snapshotted with PUT /snapshot/create, then stopped; a new
 * controller loads the snapshot with resume_vm, and the console carries on counting from the line
 * where the first one stopped. A third loads it paused and runs only after PATCH /vm Resumed.
 */
class ApiSnapshotTest {
    private static final int MAX_CONSOLE = 8 << 20;

    @TempDir
    Path dir;

    /** A serial console the test reads: every byte kept (up to 8 MiB), complete lines counted. */
    static final class Console extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < MAX_CONSOLE) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, Math.min(len, Math.max(0, MAX_CONSOLE - bytes.size())));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        long lines() {
            return text().chars().filter(c -> c == '\n').count();
        }

        void awaitLines(long n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines() < n) {
                assertTrue(System.nanoTime() < deadline, "the guest printed " + lines() + " lines, not " + n + ": " + tail(text()));
                Thread.sleep(5);
            }
        }
    }

    private static String tail(String s) {
        return s.length() <= 200 ? s : "..." + s.substring(s.length() - 200);
    }

    /** A controller like {@code kapsel vm serve}'s whose InstanceStart runs the counting code instead of a kernel. */
    private static VmmController controller(Console console, String id) {
        GuestLauncher launcher = GuestLauncher.starting(config -> ConsoleCountPayload.build(config, console));
        return new VmmController(launcher, new MicroVmSnapshots(console), id, "0.0-test");
    }

    private static void expect(RawClient api, String method, String path, String body, int status, String fragment)
            throws Exception {
        RawClient.Response r = api.exchange(method, path, body);
        assertEquals(status, r.status(), method + " " + path + " " + body + " -> " + r.body());
        if (fragment != null) {
            String fault = ApiJson.MAPPER.readTree(r.body()).path("fault_message").asText();
            assertTrue(fault.contains(fragment), "'" + fault + "' should contain '" + fragment + "'");
        }
    }

    private static JsonNode get(RawClient api, String path) throws Exception {
        RawClient.Response r = api.exchange("GET", path, null);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return ApiJson.MAPPER.readTree(r.body());
    }

    private static String load(Path state, Path mem, boolean resume, Path vsock) {
        return "{\"snapshot_path\":\"" + state + "\",\"mem_backend\":{\"backend_type\":\"File\",\"backend_path\":\"" + mem
                + "\"},\"resume_vm\":" + resume + ",\"vsock_override\":{\"uds_path\":\"" + vsock + "\"}}";
    }

    /** Every complete line of the console(s), in order, as numbers: each must be the one before plus one. */
    private static List<Long> counts(String text) {
        List<Long> counts = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            counts.add(Long.parseLong(lines[i], 16));
        }
        return counts;
    }

    @Test
    void aGuestSnapshottedThroughTheApiCountsOnFromWhereItWasInANewController() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinux"), "never read: the guest is real-mode code");
        Path mem = dir.resolve("vm.mem");
        Path state = dir.resolve("vm.state");
        Console first = new Console();
        VmmController a = controller(first, "first");
        String before;
        try (HttpServer server = HttpServer.start(dir.resolve("a.api"), HttpLimits.DEFAULT, new ApiHttpHandler(a));
             RawClient api = RawClient.connect(dir.resolve("a.api"))) {
            expect(api, "PUT", "/boot-source", "{\"kernel_image_path\":\"" + kernel + "\"}", 204, null);
            expect(api, "PUT", "/machine-config", "{\"vcpu_count\":2,\"mem_size_mib\":32}", 204, null);
            expect(api, "PUT", "/vsock", "{\"guest_cid\":3,\"uds_path\":\"" + dir.resolve("a.vsock") + "\"}", 204, null);
            expect(api, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}", 204, null);
            first.awaitLines(20);
            expect(api, "PUT", "/snapshot/create", "{\"mem_file_path\":\"" + mem + "\",\"snapshot_path\":\"" + state + "\"}",
                    400, "pause it first");
            expect(api, "PATCH", "/vm", "{\"state\":\"Paused\"}", 204, null);
            before = first.text();
            expect(api, "PUT", "/snapshot/create", "{\"mem_file_path\":\"" + mem + "\",\"snapshot_path\":\"" + state
                    + "\",\"snapshot_type\":\"Diff\"}", 400, "Full snapshots only");
            long start = System.nanoTime();
            expect(api, "PUT", "/snapshot/create", "{\"mem_file_path\":\"" + mem + "\",\"snapshot_path\":\"" + state
                    + "\",\"snapshot_type\":\"Full\"}", 204, null);
            System.out.printf("PUT /snapshot/create of a 32 MiB, 2-vCPU guest: %.1f ms%n", (System.nanoTime() - start) / 1e6);
            assertEquals(before, first.text(), "a paused guest prints nothing");
            a.started().get().stop();
        }
        assertEquals(32L << 20, Files.size(mem));

        Console second = new Console();
        VmmController b = controller(second, "second");
        try (HttpServer server = HttpServer.start(dir.resolve("b.api"), HttpLimits.DEFAULT, new ApiHttpHandler(b));
             RawClient api = RawClient.connect(dir.resolve("b.api"))) {
            Path vsock = dir.resolve("b.vsock");
            expect(api, "PUT", "/snapshot/load", load(state, dir.resolve("missing.mem"), true, vsock), 400,
                    "cannot open the memory file");
            Path garbage = Files.writeString(dir.resolve("garbage.state"), "not a snapshot at all");
            expect(api, "PUT", "/snapshot/load", load(garbage, mem, true, vsock), 400, "not a kapsel snapshot state file");
            byte[] other = Files.readAllBytes(state);
            ByteBuffer.wrap(other).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 99);
            Path otherVersion = Files.write(dir.resolve("v99.state"), other);
            expect(api, "PUT", "/snapshot/load", load(otherVersion, mem, true, vsock), 400, "format version 99");
            byte[] damaged = Files.readAllBytes(state);
            damaged[damaged.length / 2] ^= 0x40;
            Path corrupt = Files.write(dir.resolve("damaged.state"), damaged);
            expect(api, "PUT", "/snapshot/load", load(corrupt, mem, true, vsock), 400, "checksum mismatch");
            expect(api, "PUT", "/snapshot/load", load(state, Files.write(dir.resolve("short.mem"), new byte[4096]), true, vsock),
                    400, "the memory file has 4096 bytes");
            assertEquals("Not started", get(api, "/").path("state").asText(), "a refused load leaves the API pre-boot");

            long start = System.nanoTime();
            expect(api, "PUT", "/snapshot/load", load(state, mem, true, vsock), 204, null);
            System.out.printf("PUT /snapshot/load with resume_vm of a 32 MiB, 2-vCPU guest: %.1f ms%n",
                    (System.nanoTime() - start) / 1e6);
            assertEquals("Running", get(api, "/").path("state").asText());
            second.awaitLines(20);
            expect(api, "PATCH", "/vm", "{\"state\":\"Paused\"}", 204, null);
            JsonNode config = get(api, "/vm/config");
            assertEquals(2, config.path("machine-config").path("vcpu_count").asInt());
            assertEquals(32, config.path("machine-config").path("mem_size_mib").asInt());
            assertFalse(config.has("boot-source"), "a restored VM's boot-source is empty, as the contract says: " + config);
            assertEquals(vsock.toString(), config.path("vsock").path("uds_path").asText());
            expect(api, "PUT", "/snapshot/load", load(state, mem, true, vsock), 400,
                    VmmController.NOT_SUPPORTED_POST_BOOT);
            b.started().get().stop();
        }
        String after = second.text();
        List<Long> counts = counts(before + after);
        long last = counts(before).getLast();
        assertTrue(counts.getLast() > last + 10, "the restored guest counted on past " + last + ": " + tail(after));
        for (int i = 1; i < counts.size(); i++) {
            assertEquals(counts.get(i - 1) + 1, counts.get(i), "line " + i + " follows the one before, across the restore");
        }
        assertEquals(1, counts.getFirst());
        System.out.printf("the first guest printed %d lines, the restored one went on from %x to %x%n",
                counts(before).size(), last, counts.getLast());

        Console third = new Console();
        VmmController c = controller(third, "third");
        try (HttpServer server = HttpServer.start(dir.resolve("c.api"), HttpLimits.DEFAULT, new ApiHttpHandler(c));
             RawClient api = RawClient.connect(dir.resolve("c.api"))) {
            expect(api, "PUT", "/snapshot/load", "{\"snapshot_path\":\"" + state + "\",\"mem_file_path\":\"" + mem
                    + "\",\"vsock_override\":{\"uds_path\":\"" + dir.resolve("c.vsock") + "\"}}", 204, null);
            assertEquals("Paused", get(api, "/").path("state").asText());
            Thread.sleep(200);
            assertEquals("", third.text(), "a snapshot loaded without resume_vm stays paused");
            expect(api, "PATCH", "/vm", "{\"state\":\"Resumed\"}", 204, null);
            third.awaitLines(5);
            c.started().get().stop();
        }
        assertEquals(counts(before).getLast() + 1, counts(before + third.text()).get(counts(before).size()),
                "the paused load resumes on the line after the snapshot's, as the first load did");
    }
}
