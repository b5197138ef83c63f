package dev.kapsel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapsel.api.contract.ApiContract;
import dev.kapsel.api.http.HttpLimits;
import dev.kapsel.api.http.HttpRequest;
import dev.kapsel.api.http.HttpResponse;
import dev.kapsel.api.http.HttpServer;
import dev.kapsel.api.http.RawClient;
import dev.kapsel.kvm.KvmUnavailableException;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExit;
import dev.kapsel.vmm.VmExitStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller through its HTTP handler, every exchange checked against Firecracker's contract:
 * the operation exists, the request body a test sends as valid is valid there, the status is one the
 * operation declares (or its default), and the body conforms to the declared schema.
 */
class VmmControllerTest {
    private static final ApiContract CONTRACT = ApiContract.load();

    @TempDir
    Path dir;
    private Path kernel;
    private Path initrd;
    private Path rootfs;
    private Path data;
    private FakeGuest guest;
    private FakeSnapshots snapshots;
    private final List<VmConfig> launched = new ArrayList<>();
    private boolean launchFails;
    private VmmController controller;
    private ApiHttpHandler handler;

    /** A VM that only records what the API asked of it. */
    static final class FakeGuest implements GuestVm {
        final List<String> calls = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override public void pause() { calls.add("pause"); }
        @Override public void resume() { calls.add("resume"); }
        @Override public boolean sendCtrlAltDel() { calls.add("ctrl-alt-del"); return true; }
        @Override public VmExit awaitExit() throws InterruptedException { ended.await(); return VmExit.of(VmExitStatus.POWER_OFF); }
        @Override public void stop() { calls.add("stop"); ended.countDown(); }
        @Override public MicroVm microVm() { throw new UnsupportedOperationException("a fake"); }
        VmConfig config;
        @Override public VmConfig config() { return config; }
    }

    /** Snapshots that only record what the API asked; a load gives {@link #loaded}, made of {@link #snapshotConfig}. */
    static final class FakeSnapshots implements SnapshotOperations {
        final List<String> created = new ArrayList<>();
        final List<Load> loads = new ArrayList<>();
        String failure;
        VmConfig snapshotConfig;
        final FakeGuest loaded = new FakeGuest();

        @Override
        public void create(GuestVm paused, Path memoryFile, Path stateFile) throws SnapshotException {
            if (failure != null) {
                throw new SnapshotException(failure, null);
            }
            created.add(memoryFile + " " + stateFile);
        }

        @Override
        public GuestVm load(Load load) throws SnapshotException {
            if (failure != null) {
                throw new SnapshotException(failure, null);
            }
            loads.add(load);
            loaded.config = snapshotConfig;
            return loaded;
        }
    }

    record Reply(int status, JsonNode body) {
        String fault() {
            return body.path("fault_message").asText();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        kernel = Files.writeString(dir.resolve("vmlinux"), "not really a kernel");
        initrd = Files.writeString(dir.resolve("initrd.cpio"), "cpio");
        rootfs = Files.write(dir.resolve("rootfs.ext4"), new byte[4096]);
        data = Files.write(dir.resolve("data.img"), new byte[4096]);
        guest = new FakeGuest();
        snapshots = new FakeSnapshots();
        controller = new VmmController(config -> {
            if (launchFails) {
                throw new KvmUnavailableException("/dev/kvm: no such device", null);
            }
            launched.add(config);
            guest.config = config;
            return guest;
        }, snapshots, "test-vm", "0.0-test");
        handler = new ApiHttpHandler(controller);
    }

    /** Sends a request whose body the contract accepts; checks the answer against the contract. */
    private Reply send(String method, String path, String body) throws Exception {
        ApiContract.Operation op = CONTRACT.operation(method, path).orElseThrow(() -> new AssertionError(method + " " + path
                + " is not in the contract"));
        if (body != null) {
            assertEquals(List.of(), op.bodyViolations(CONTRACT, ApiJson.MAPPER.readTree(body)), "test request " + body);
        }
        return sendUnchecked(method, path, body);
    }

    /** Sends any request (a body the contract refuses, a path it lacks); checks the answer against the contract. */
    private Reply sendUnchecked(String method, String path, String body) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        HttpResponse r = handler.handle(new HttpRequest(method, path, Map.of(), bytes));
        return checked(method, path, r.status(), r.body());
    }

    private static Reply checked(String method, String path, int status, byte[] bytes) throws Exception {
        JsonNode body = bytes.length == 0 ? null : ApiJson.MAPPER.readTree(bytes);
        var op = CONTRACT.operation(method, path);
        if (op.isEmpty()) {
            assertEquals(400, status, method + " " + path + " is not in the contract: only a 400 fault fits");
            assertEquals(List.of(), CONTRACT.violations(CONTRACT.definition("Error"), body));
            return new Reply(status, body);
        }
        JsonNode response = op.get().response(status).orElseThrow(() -> new AssertionError(method + " " + path
                + " does not declare status " + status + ": " + (body == null ? "" : body)));
        JsonNode schema = response.get("schema");
        if (schema == null) {
            assertNull(body, method + " " + path + " " + status + " declares no body");
        } else {
            assertNotNull(body, method + " " + path + " " + status + " declares a body");
            assertEquals(List.of(), CONTRACT.violations(schema, body), method + " " + path + " " + status + ": " + body);
        }
        if (status >= 400) {
            assertFalse(body.path("fault_message").asText().isBlank(), "a fault names its cause");
        }
        return new Reply(status, body);
    }

    private void ok(String method, String path, String body) throws Exception {
        Reply r = send(method, path, body);
        assertTrue(r.status() == 204 || r.status() == 200, method + " " + path + " -> " + r);
    }

    private void fault(String method, String path, String body, String fragment) throws Exception {
        boolean known = CONTRACT.operation(method, path).isPresent();
        Reply r = known && (body == null || isContractValid(method, path, body)) ? send(method, path, body)
                : sendUnchecked(method, path, body);
        assertEquals(400, r.status(), method + " " + path + " " + body + " -> " + r);
        assertTrue(r.fault().contains(fragment), "'" + r.fault() + "' should contain '" + fragment + "'");
    }

    private boolean isContractValid(String method, String path, String body) {
        var op = CONTRACT.operation(method, path);
        try {
            return op.isPresent() && op.get().bodySchema().isPresent()
                    && op.get().bodyViolations(CONTRACT, ApiJson.MAPPER.readTree(body)).isEmpty();
        } catch (java.io.IOException e) {
            return false; // not even JSON
        }
    }

    private void configureGettingStarted() throws Exception {
        ok("PUT", "/boot-source", "{\"kernel_image_path\":\"" + kernel + "\",\"initrd_path\":\"" + initrd
                + "\",\"boot_args\":\"console=ttyS0 reboot=k panic=1 pci=off\"}");
        ok("PUT", "/drives/rootfs", "{\"drive_id\":\"rootfs\",\"path_on_host\":\"" + rootfs
                + "\",\"is_root_device\":true,\"is_read_only\":false}");
        ok("PUT", "/machine-config", "{\"vcpu_count\":2,\"mem_size_mib\":256}");
    }

    @Test
    void everyServedRouteIsInTheContractAndEveryOtherContractOperationIsRefusedClearly() throws Exception {
        for (String route : ApiRoutes.SERVED) {
            String[] mp = route.split(" ");
            assertTrue(CONTRACT.operations().stream().anyMatch(op -> op.method().equals(mp[0]) && op.pathTemplate().equals(mp[1])),
                    route + " is served but not in the contract");
        }
        int refused = 0;
        for (ApiContract.Operation op : CONTRACT.operations()) {
            if (ApiRoutes.SERVED.contains(op.method() + " " + op.pathTemplate())) {
                continue;
            }
            String path = op.pathTemplate().replaceAll("\\{[^}]+}", "x1");
            String body = op.bodySchema().isPresent() ? "{}" : null;
            Reply r = sendUnchecked(op.method(), path, body);
            assertEquals(400, r.status(), op.method() + " " + path);
            assertTrue(r.fault().contains("kapsel does not implement"), r.fault());
            refused++;
        }
        assertTrue(refused >= 5, "the contract has operations kapsel leaves out: " + refused);
        fault("GET", "/no/such/thing", null, "Invalid request method and/or path: GET /no/such/thing");
        fault("DELETE", "/drives/rootfs", null, "Invalid request method and/or path");
    }

    @Test
    void theGettingStartedSequenceBuildsTheVmConfigAndTheRuntimeActionsReachTheVm() throws Exception {
        Reply info = send("GET", "/", null);
        assertEquals("Not started", info.body().path("state").asText());
        assertEquals("test-vm", info.body().path("id").asText());
        assertEquals("0.0-test", send("GET", "/version", null).body().path("firecracker_version").asText());
        configureGettingStarted();
        ok("PUT", "/drives/data", "{\"drive_id\":\"data\",\"path_on_host\":\"" + data + "\",\"is_root_device\":false,"
                + "\"is_read_only\":true,\"cache_type\":\"Unsafe\",\"io_engine\":\"Sync\"}");
        ok("PUT", "/network-interfaces/eth0", "{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\",\"guest_mac\":\"06:00:AC:10:00:09\"}");
        ok("PUT", "/vsock", "{\"guest_cid\":3,\"uds_path\":\"" + dir.resolve("v.sock") + "\"}");
        ok("PUT", "/entropy", "{}");
        ok("PUT", "/balloon", "{\"amount_mib\":16,\"deflate_on_oom\":true,\"stats_polling_interval_s\":0}");
        ok("PUT", "/logger", "{\"log_path\":\"" + dir.resolve("api.log") + "\",\"level\":\"Info\",\"show_level\":true}");
        ok("PUT", "/metrics", "{\"metrics_path\":\"" + dir.resolve("metrics.json") + "\",\"emit_id\":true}");
        ok("PATCH", "/machine-config", "{\"mem_size_mib\":192}");
        JsonNode machine = send("GET", "/machine-config", null).body();
        assertEquals(2, machine.path("vcpu_count").asInt());
        assertEquals(192, machine.path("mem_size_mib").asInt());
        assertEquals(16, send("GET", "/balloon", null).body().path("amount_mib").asInt());
        JsonNode full = send("GET", "/vm/config", null).body();
        assertEquals(kernel.toString(), full.path("boot-source").path("kernel_image_path").asText());
        assertEquals(2, full.path("drives").size());
        assertEquals("tap0", full.path("network-interfaces").get(0).path("host_dev_name").asText());
        ok("PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}");

        ok("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}");
        assertEquals(1, launched.size());
        VmConfig config = launched.getFirst();
        assertEquals(kernel, config.kernel());
        assertEquals(initrd, config.initrd().orElseThrow());
        assertEquals("console=ttyS0 reboot=k panic=1 pci=off root=/dev/vda rw", config.cmdline());
        assertEquals(2, config.vcpus());
        assertEquals(192, config.memoryMib());
        assertEquals(List.of(rootfs, data), config.disks().stream().map(d -> d.path()).toList());
        assertEquals(List.of(false, true), config.disks().stream().map(d -> d.readOnly()).toList());
        assertEquals("tap0", config.nets().getFirst().tap());
        assertEquals("06:00:ac:10:00:09", java.util.HexFormat.ofDelimiter(":").formatHex(config.nets().getFirst().mac()));
        assertEquals(3, config.vsock().orElseThrow().guestCid());
        assertTrue(config.rng());
        assertEquals(16, config.balloon().orElseThrow().targetMib());
        assertTrue(controller.started().isDone());
        assertEquals("Running", send("GET", "/", null).body().path("state").asText());

        ok("PATCH", "/vm", "{\"state\":\"Paused\"}");
        assertEquals("Paused", send("GET", "/", null).body().path("state").asText());
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\",\"snapshot_type\":\"Diff\"}",
                "Full snapshots only");
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/m\"}", "the same file");
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"\",\"snapshot_path\":\"/s\"}", "mem_file_path must be a file path");
        ok("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}");
        ok("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m2\",\"snapshot_path\":\"/s2\",\"snapshot_type\":\"Full\"}");
        assertEquals(List.of("/m /s", "/m2 /s2"), snapshots.created);
        snapshots.failure = "Cannot create the snapshot: /s: cannot write the state file: No space left on device";
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}", "No space left on device");
        snapshots.failure = null;
        assertEquals("Paused", send("GET", "/", null).body().path("state").asText(), "a snapshot leaves the VM paused");
        ok("PATCH", "/vm", "{\"state\":\"Resumed\"}");
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}", "pause it first");
        ok("PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}");
        assertEquals(List.of("pause", "resume", "ctrl-alt-del"), guest.calls);
        ok("PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}");
        List<String> metrics = Files.readAllLines(dir.resolve("metrics.json"));
        assertEquals(2, metrics.size(), metrics.toString());
        assertEquals("test-vm", ApiJson.MAPPER.readTree(metrics.get(1)).path("id").asText());
        assertEquals("Running", ApiJson.MAPPER.readTree(metrics.get(1)).path("vmm").path("state").asText());
        String log = Files.readString(dir.resolve("api.log"));
        assertTrue(log.contains("Info InstanceStart -> 204"), log);
        assertTrue(log.contains("Error CreateSnapshot -> 400"), log);
        assertEquals(full, send("GET", "/vm/config", null).body(), "the configuration stays readable after boot");
    }

    @Test
    void preBootOnlyRequestsAreRefusedAfterBootAndPostBootOnlyBefore() throws Exception {
        String pre = VmmController.NOT_SUPPORTED_PRE_BOOT;
        fault("PATCH", "/vm", "{\"state\":\"Paused\"}", pre);
        fault("PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}", pre);
        fault("PATCH", "/drives/rootfs", "{\"drive_id\":\"rootfs\",\"path_on_host\":\"/x\"}", pre);
        fault("PATCH", "/network-interfaces/eth0", "{\"iface_id\":\"eth0\"}", pre);
        fault("PATCH", "/balloon", "{\"amount_mib\":1}", pre);
        fault("PATCH", "/balloon/statistics", "{\"stats_polling_interval_s\":1}", pre);
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}", pre);
        assertFalse(controller.started().isDone());

        configureGettingStarted();
        ok("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}");
        String post = VmmController.NOT_SUPPORTED_POST_BOOT;
        fault("PUT", "/boot-source", "{\"kernel_image_path\":\"" + kernel + "\"}", post);
        fault("PUT", "/drives/rootfs", "{\"drive_id\":\"rootfs\",\"path_on_host\":\"" + rootfs
                + "\",\"is_root_device\":true,\"is_read_only\":false}", post);
        fault("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128}", post);
        fault("PATCH", "/machine-config", "{\"vcpu_count\":1}", post);
        fault("PUT", "/network-interfaces/eth0", "{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\"}", post);
        fault("PUT", "/vsock", "{\"guest_cid\":3,\"uds_path\":\"/v\"}", post);
        fault("PUT", "/entropy", "{}", post);
        fault("PUT", "/balloon", "{\"amount_mib\":1,\"deflate_on_oom\":false}", post);
        fault("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}", post);
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\",\"mem_file_path\":\"/m\"}", post);
        fault("PUT", "/logger", "{\"level\":\"Info\"}", post);
        fault("PUT", "/metrics", "{\"metrics_path\":\"/m\"}", post);
        assertEquals(1, launched.size());
        // What kapsel cannot do at runtime is refused with its reason, not a phase error or a 500.
        fault("PATCH", "/drives/rootfs", "{\"drive_id\":\"rootfs\",\"path_on_host\":\"/x\"}", "cannot change drive rootfs");
        fault("PATCH", "/balloon", "{\"amount_mib\":1}", "cannot change the balloon target");
        fault("GET", "/balloon/statistics", null, "No balloon device configured.");
    }

    @Test
    void unknownFieldsWrongTypesAndMissingRequiredFieldsAreRefusedNamingTheField() throws Exception {
        Map<String, String> bodies = Map.ofEntries(
                Map.entry("PUT /boot-source", "{\"kernel_image_path\":\"" + kernel + "\"}"),
                Map.entry("PUT /drives/d", "{\"drive_id\":\"d\",\"path_on_host\":\"" + data + "\",\"is_root_device\":false,\"is_read_only\":false}"),
                Map.entry("PUT /machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128}"),
                Map.entry("PATCH /machine-config", "{\"vcpu_count\":1}"),
                Map.entry("PUT /network-interfaces/n", "{\"iface_id\":\"n\",\"host_dev_name\":\"tap0\"}"),
                Map.entry("PUT /vsock", "{\"guest_cid\":3,\"uds_path\":\"/v\"}"),
                Map.entry("PUT /entropy", "{}"),
                Map.entry("PUT /balloon", "{\"amount_mib\":1,\"deflate_on_oom\":false}"),
                Map.entry("PUT /actions", "{\"action_type\":\"FlushMetrics\"}"),
                Map.entry("PATCH /vm", "{\"state\":\"Paused\"}"),
                Map.entry("PUT /snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}"),
                Map.entry("PUT /snapshot/load", "{\"snapshot_path\":\"/s\"}"),
                Map.entry("PUT /logger", "{\"level\":\"Info\"}"),
                Map.entry("PUT /metrics", "{\"metrics_path\":\"/m\"}"));
        for (var e : bodies.entrySet()) {
            String[] mp = e.getKey().split(" ");
            ObjectNode body = (ObjectNode) ApiJson.MAPPER.readTree(e.getValue());
            body.put("colour", "red");
            fault(mp[0], mp[1], body.toString(), "unknown field 'colour'");
        }
        fault("PUT", "/machine-config", "{\"vcpu_count\":\"2\",\"mem_size_mib\":128}", "vcpu_count");
        fault("PUT", "/drives/d", "{\"drive_id\":\"d\",\"path_on_host\":\"" + data + "\",\"is_read_only\":1,\"is_root_device\":false}",
                "is_read_only");
        fault("PUT", "/drives/d", "{\"drive_id\":\"d\",\"path_on_host\":\"" + data + "\",\"is_read_only\":false}", "is_root_device");
        fault("PUT", "/boot-source", "{\"initrd_path\":\"" + initrd + "\"}", "kernel_image_path");
        fault("PUT", "/boot-source", "{\"kernel_image_path\":\"" + kernel + "\"} {}", "invalid");
        fault("PUT", "/boot-source", "[1]", "invalid");
        fault("PUT", "/boot-source", "null", "not null");
        fault("PUT", "/boot-source", "{\"kernel_image_path\":", "invalid JSON");
        fault("PUT", "/boot-source", null, "Empty request body");
        fault("GET", "/machine-config", "{}", "GET request cannot have a body.");
        fault("PUT", "/actions", "{\"action_type\":\"Reboot\"}", "Invalid action_type 'Reboot'");
        fault("PATCH", "/vm", "{\"state\":\"Stopped\"}", "Invalid VM state 'Stopped'");
        // Nothing of the refused requests stuck.
        JsonNode full = send("GET", "/vm/config", null).body();
        assertTrue(full.path("drives").isEmpty() && !full.has("boot-source"), full.toString());
    }

    @Test
    void badValuesAreRefusedWithTheirReasonAndLeaveTheConfigurationAsItWas() throws Exception {
        fault("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}", "without kernel configuration");
        fault("PUT", "/boot-source", "{\"kernel_image_path\":\"" + dir.resolve("missing") + "\"}", "The kernel file cannot be opened");
        configureGettingStarted();
        fault("PUT", "/drives/second", "{\"drive_id\":\"second\",\"path_on_host\":\"" + data
                + "\",\"is_root_device\":true,\"is_read_only\":false}", "A root block device already exists!");
        fault("PUT", "/drives/other", "{\"drive_id\":\"rootfs\",\"path_on_host\":\"" + data
                + "\",\"is_root_device\":false,\"is_read_only\":false}", "does not match the id from the body");
        fault("PUT", "/drives/d", "{\"drive_id\":\"d\",\"path_on_host\":\"" + data
                + "\",\"is_root_device\":false,\"is_read_only\":false,\"cache_type\":\"Writeback\"}", "cache_type Unsafe only");
        fault("PUT", "/drives/d", "{\"drive_id\":\"d\",\"path_on_host\":\"" + data
                + "\",\"is_root_device\":false,\"is_read_only\":false,\"rate_limiter\":{}}", "no rate limiters");
        fault("PUT", "/drives/d", "{\"drive_id\":\"d\",\"is_root_device\":false,\"socket\":\"/s\"}", "vhost-user-block");
        fault("PUT", "/drives/bad%20id", "{\"drive_id\":\"bad%20id\",\"path_on_host\":\"" + data
                + "\",\"is_root_device\":false,\"is_read_only\":false}", "Invalid drive_id");
        fault("PUT", "/machine-config", "{\"vcpu_count\":64,\"mem_size_mib\":128}", "vCPU number is invalid");
        fault("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":8}", "memory size");
        fault("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128,\"track_dirty_pages\":true}", "dirty pages");
        fault("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128,\"huge_pages\":\"2M\"}", "4K pages");
        fault("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128,\"cpu_template\":\"T2\"}", "CPU templates");
        fault("PUT", "/network-interfaces/eth0", "{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\",\"guest_mac\":\"zz\"}", "Invalid MAC");
        fault("PUT", "/network-interfaces/eth0", "{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\",\"mtu\":1400}", "MTU");
        fault("PUT", "/vsock", "{\"guest_cid\":2,\"uds_path\":\"/v\"}", "guestCid");
        fault("PUT", "/balloon", "{\"amount_mib\":300,\"deflate_on_oom\":false}", "less than the guest memory");
        fault("PUT", "/balloon", "{\"amount_mib\":1,\"deflate_on_oom\":false,\"stats_polling_interval_s\":5}", "statistics");
        fault("GET", "/balloon", null, "No balloon device configured.");
        fault("PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}", "Metrics are not configured");
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\",\"mem_file_path\":\"/m\"}", "after configuring boot-specific resources");
        JsonNode machine = send("GET", "/machine-config", null).body();
        assertEquals(2, machine.path("vcpu_count").asInt());
        assertEquals(256, machine.path("mem_size_mib").asInt());
        assertEquals(1, send("GET", "/vm/config", null).body().path("drives").size());

        launchFails = true;
        fault("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}", "Cannot start the microVM: /dev/kvm: no such device");
        assertEquals("Not started", send("GET", "/", null).body().path("state").asText());
        launchFails = false;
        ok("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}");
    }

    private String loadBody(String extra) {
        return "{\"snapshot_path\":\"" + dir.resolve("vm.state") + "\",\"mem_backend\":{\"backend_type\":\"File\",\"backend_path\":\""
                + dir.resolve("vm.mem") + "\"}" + extra + "}";
    }

    @Test
    void aLoadedSnapshotIsPausedUntilResumedAndVmConfigShowsWhatItHolds() throws Exception {
        snapshots.snapshotConfig = new VmConfig(kernel, java.util.Optional.empty(), "console=ttyS0 root=/dev/vda rw", 2, 256,
                List.of(new dev.kapsel.vmm.DiskConfig(rootfs, false), new dev.kapsel.vmm.DiskConfig(data, true)), true,
                java.util.Optional.of(new dev.kapsel.vmm.VsockConfig(dir.resolve("clone.sock"), 3)),
                List.of(new dev.kapsel.vmm.NetConfig("tap9", new byte[] {6, 0, (byte) 0xac, 0x10, 0, 2})),
                java.util.Optional.of(new dev.kapsel.vmm.BalloonConfig(16, true)), List.of());
        // The logger and metrics may be configured first, as in Firecracker.
        ok("PUT", "/logger", "{\"log_path\":\"" + dir.resolve("api.log") + "\",\"level\":\"Info\"}");
        ok("PUT", "/metrics", "{\"metrics_path\":\"" + dir.resolve("metrics.json") + "\"}");
        ok("PUT", "/snapshot/load", loadBody(",\"network_overrides\":[{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap9\"}],"
                + "\"vsock_override\":{\"uds_path\":\"" + dir.resolve("clone.sock") + "\"},\"enable_diff_snapshots\":false,"
                + "\"track_dirty_pages\":false,\"clock_realtime\":false,\"huge_pages\":\"Snapshot\""));
        SnapshotOperations.Load load = snapshots.loads.getFirst();
        assertEquals(dir.resolve("vm.mem"), load.memoryFile());
        assertEquals(dir.resolve("vm.state"), load.stateFile());
        assertEquals(Map.of(0, "tap9"), load.overrides().taps());
        assertEquals(dir.resolve("clone.sock"), load.overrides().vsockUds().orElseThrow());
        assertTrue(controller.started().isDone());
        assertEquals("Paused", send("GET", "/", null).body().path("state").asText(), "without resume_vm the VM stays paused");
        assertEquals(List.of(), snapshots.loaded.calls);

        JsonNode full = send("GET", "/vm/config", null).body();
        assertFalse(full.has("boot-source"), "the contract: a restored VM's boot-source is empty");
        assertEquals(2, full.path("machine-config").path("vcpu_count").asInt());
        assertEquals(256, full.path("machine-config").path("mem_size_mib").asInt());
        assertFalse(full.path("machine-config").has("smt") || full.path("machine-config").has("cpu_template"), full.toString());
        assertEquals("vda", full.path("drives").get(0).path("drive_id").asText());
        assertTrue(full.path("drives").get(0).path("is_root_device").asBoolean());
        assertEquals(data.toString(), full.path("drives").get(1).path("path_on_host").asText());
        assertTrue(full.path("drives").get(1).path("is_read_only").asBoolean());
        assertEquals("eth0", full.path("network-interfaces").get(0).path("iface_id").asText());
        assertEquals("tap9", full.path("network-interfaces").get(0).path("host_dev_name").asText());
        assertEquals("06:00:ac:10:00:02", full.path("network-interfaces").get(0).path("guest_mac").asText());
        assertEquals(dir.resolve("clone.sock").toString(), full.path("vsock").path("uds_path").asText());
        assertEquals(16, full.path("balloon").path("amount_mib").asInt());
        assertTrue(full.has("entropy"));
        assertEquals(256, send("GET", "/machine-config", null).body().path("mem_size_mib").asInt());

        ok("PATCH", "/vm", "{\"state\":\"Resumed\"}");
        assertEquals("Running", send("GET", "/", null).body().path("state").asText());
        assertEquals(List.of("resume"), snapshots.loaded.calls);
        fault("PUT", "/snapshot/load", loadBody(""), VmmController.NOT_SUPPORTED_POST_BOOT);
        fault("PUT", "/boot-source", "{\"kernel_image_path\":\"" + kernel + "\"}", VmmController.NOT_SUPPORTED_POST_BOOT);
        ok("PATCH", "/vm", "{\"state\":\"Paused\"}");
        ok("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}");
        assertTrue(Files.readString(dir.resolve("api.log")).contains("LoadSnapshot -> 204"));
    }

    @Test
    void resumeVmTrueResumesTheLoadedVmAndTheDeprecatedMemFilePathIsAccepted() throws Exception {
        snapshots.snapshotConfig = new VmConfig(kernel, java.util.Optional.empty(), "", 1, 128);
        ok("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\",\"mem_file_path\":\"/m\",\"resume_vm\":true}");
        assertEquals(Path.of("/m"), snapshots.loads.getFirst().memoryFile());
        assertEquals(List.of("resume"), snapshots.loaded.calls);
        assertEquals("Running", send("GET", "/", null).body().path("state").asText());
        JsonNode full = send("GET", "/vm/config", null).body();
        assertTrue(full.path("drives").isEmpty() && !full.has("vsock") && !full.has("balloon") && !full.has("entropy"), full.toString());
    }

    @Test
    void loadRequestsKapselCannotServeAreRefusedNamingTheFieldAndLeaveTheApiPreBoot() throws Exception {
        fault("PUT", "/snapshot/load", loadBody(",\"enable_diff_snapshots\":true"), "enable_diff_snapshots must be false");
        fault("PUT", "/snapshot/load", loadBody(",\"track_dirty_pages\":true"), "track_dirty_pages must be false");
        fault("PUT", "/snapshot/load", loadBody(",\"clock_realtime\":true"), "clock_realtime must be false");
        fault("PUT", "/snapshot/load", loadBody(",\"huge_pages\":\"2M\""), "huge_pages must be Snapshot or None");
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\"}", "either `mem_backend` or `mem_file_path` is required");
        fault("PUT", "/snapshot/load", loadBody(",\"mem_file_path\":\"/m\""), "either `mem_backend` or `mem_file_path` exclusively");
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\",\"mem_backend\":{\"backend_type\":\"Uffd\",\"backend_path\":\"/u\"}}",
                "backend_type must be File, not Uffd");
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\",\"mem_backend\":{\"backend_type\":\"File\"}}", "backend_path");
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"/s\",\"mem_backend\":{\"backend_type\":\"File\",\"backend_path\":\"/m\",\"x\":1}}",
                "unknown field 'x'");
        fault("PUT", "/snapshot/load", loadBody(",\"network_overrides\":[{\"iface_id\":\"net1\",\"host_dev_name\":\"tap1\"}]"),
                "unknown iface_id 'net1'");
        fault("PUT", "/snapshot/load", loadBody(",\"network_overrides\":[{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap1\"},"
                + "{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap2\"}]"), "names interface eth0 twice");
        fault("PUT", "/snapshot/load", loadBody(",\"network_overrides\":[{\"iface_id\":\"eth0\"}]"), "host_dev_name");
        fault("PUT", "/snapshot/load", loadBody(",\"vsock_override\":{}"), "uds_path");
        fault("PUT", "/snapshot/load", "{\"snapshot_path\":\"\",\"mem_file_path\":\"/m\"}", "snapshot_path must be a file path");
        snapshots.failure = "Cannot load the snapshot: /s: not a kapsel snapshot state file (no KAPSNAP magic)";
        fault("PUT", "/snapshot/load", loadBody(""), "not a kapsel snapshot state file");
        assertEquals(List.of(), snapshots.loads);
        assertEquals("Not started", send("GET", "/", null).body().path("state").asText());
        assertFalse(controller.started().isDone());
        snapshots.failure = null;
        ok("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128}");
        fault("PUT", "/snapshot/load", loadBody(""), "not allowed after configuring boot-specific resources");
    }

    @Test
    void aBuildWithoutSnapshotsAnswersSoForBothRequests() throws Exception {
        controller = new VmmController(config -> guest, SnapshotOperations.UNAVAILABLE, "test-vm", "0.0-test");
        handler = new ApiHttpHandler(controller);
        fault("PUT", "/snapshot/load", loadBody(",\"resume_vm\":true"), "snapshots are not available in this build of kapsel");
        assertEquals("Not started", send("GET", "/", null).body().path("state").asText());
        configureGettingStarted();
        ok("PUT", "/actions", "{\"action_type\":\"InstanceStart\"}");
        ok("PATCH", "/vm", "{\"state\":\"Paused\"}");
        fault("PUT", "/snapshot/create", "{\"mem_file_path\":\"/m\",\"snapshot_path\":\"/s\"}", "snapshots are not available");
    }

    @Test
    void overTheSocketBodiesAreBoundedAndRefusalsAreFirecrackerErrors() throws Exception {
        Path socket = dir.resolve("api.sock");
        try (HttpServer server = HttpServer.start(socket, HttpLimits.DEFAULT, handler);
             RawClient client = RawClient.connect(socket)) {
            RawClient.Response r = client.exchange("PUT", "/machine-config", "{\"vcpu_count\":1,\"mem_size_mib\":128}");
            checked("PUT", "/machine-config", r.status(), r.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(204, r.status());
            assertNull(r.headers().get("content-length"), "a 204 carries no Content-Length");
            r = client.exchange("GET", "/machine-config", null);
            checked("GET", "/machine-config", r.status(), r.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(128, ApiJson.MAPPER.readTree(r.body()).path("mem_size_mib").asInt());
            assertEquals("application/json", r.headers().get("content-type"));

            char[] pad = new char[HttpLimits.DEFAULT.maxBodyBytes()];
            Arrays.fill(pad, ' ');
            r = client.exchange("PUT", "/boot-source", "{\"kernel_image_path\":\"" + kernel + "\"}" + new String(pad));
            checked("PUT", "/boot-source", r.status(), r.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(413, r.status());
            assertTrue(ApiJson.MAPPER.readTree(r.body()).path("fault_message").asText().contains("exceeds the limit of 51200"));
        }
        assertFalse(Files.exists(socket));
    }
}
