package dev.kapsel.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.container.record.ContainerStatus;
import dev.kapsel.host.ProcessIdentity;
import dev.kapsel.oci.state.StateReport;
import dev.kapsel.oci.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciRuntimeTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private OciRuntime runtime() {
        return new OciRuntime(new StateStore(dir.resolve("root")), new RuntimeLog(null, RuntimeLog.Format.TEXT, new PrintStream(err, true)));
    }

    private Path bundle(String config) throws IOException {
        Path b = dir.resolve("bundle");
        Files.createDirectories(b.resolve("rootfs/bin"));
        if (Files.exists(Path.of("/bin/busybox")) && !Files.exists(b.resolve("rootfs/bin/busybox"))) {
            Files.copy(Path.of("/bin/busybox"), b.resolve("rootfs/bin/busybox"));
            Files.createSymbolicLink(b.resolve("rootfs/bin/sh"), Path.of("busybox"));
        }
        Files.writeString(b.resolve("config.json"), config);
        return b;
    }

    private static String config(String args, String extra) {
        return """
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, %s
                 "process": {"args": %s, "cwd": "/", "env": ["PATH=/bin"]}}
                """.formatted(extra, args);
    }

    private void assertNothingCreated() throws IOException {
        Path root = dir.resolve("root");
        if (Files.exists(root)) {
            try (Stream<Path> s = Files.list(root)) {
                assertEquals(0, s.count(), "state left behind");
            }
        }
        assertFalse(Files.exists(dir.resolve("pid")));
    }

    private OciRuntime.CreateRequest request(String id, Path bundle) {
        return new OciRuntime.CreateRequest(id, bundle, dir.resolve("pid"), null);
    }

    @Test
    void malformedConfigCreatesNothing() throws IOException {
        Path b = bundle("{\"ociVersion\": \"1.0.2\", \"root\": ");
        assertThrows(InvalidConfigException.class, () -> runtime().create(request("c1", b)));
        assertNothingCreated();
    }

    @Test
    void missingProcessCreatesNothing() throws IOException {
        Path b = bundle("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}}");
        assertThrows(InvalidConfigException.class, () -> runtime().create(request("c1", b)));
        assertNothingCreated();
    }

    @Test
    void anUnknownIsolationCreatesNothing() throws IOException {
        Path b = bundle(config("[\"sh\"]", "\"annotations\": {\"dev.kapsel.isolation\": \"jail\"},"));
        BackendNotAvailableException e = assertThrows(BackendNotAvailableException.class, () -> runtime().create(request("c1", b)));
        assertTrue(e.getMessage().contains("'jail'") && e.getMessage().contains("'vm'"), e.getMessage());
        assertNothingCreated();
    }

    @Test
    void theVmIsolationRefusesAMissingExecutableBeforeCreatingAnything() throws IOException {
        Path b = bundle(config("[\"/bin/no-such-program\"]", "\"annotations\": {\"dev.kapsel.isolation\": \"vm\"},"));
        // Refused for the executable, or earlier for a host without /dev/kvm or the guest kernel: never created.
        assertThrows(UnsupportedConfigException.class, () -> runtime().create(request("c1", b)));
        assertNothingCreated();
    }

    @Test
    void aMissingExecutableOrTooLittleMemoryCreatesNothing() throws IOException {
        Path b = bundle(config("[\"/bin/nonesuch\"]", ""));
        UnsupportedConfigException e = assertThrows(UnsupportedConfigException.class, () -> runtime().create(request("c1", b)));
        assertTrue(e.getMessage().contains("/bin/nonesuch"), e.getMessage());
        Files.writeString(b.resolve("config.json"), config("[\"sh\"]", "\"linux\": {\"resources\": {\"memory\": {\"limit\": 1024}}},"));
        assertThrows(UnsupportedConfigException.class, () -> runtime().create(request("c1", b)));
        assertNothingCreated();
    }

    @Test
    void aTerminalNeedsAConsoleSocket() throws IOException {
        Path b = bundle(config("[\"sh\"]", "").replace("\"cwd\"", "\"terminal\": true, \"cwd\""));
        assertThrows(InvalidConfigException.class, () -> runtime().create(request("c1", b)));
        assertNothingCreated();
    }

    @Test
    void unknownContainers() {
        assertThrows(ContainerNotFoundException.class, () -> runtime().state("nope"));
        assertThrows(ContainerNotFoundException.class, () -> runtime().kill("nope", 15));
        assertThrows(ContainerNotFoundException.class, () -> runtime().delete("nope", false));
        runtime().delete("nope", true); // runc: --force on a missing container succeeds
    }

    /** The whole lifecycle on this host: create, state, start, state, kill, state, delete (needs KVM and busybox). */
    @Test
    void lifecycleWithBusybox() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/dev/kvm")) && Files.exists(Path.of("/bin/busybox")), "needs /dev/kvm and /bin/busybox");
        Path b = bundle(config("[\"sh\", \"-c\", \"sleep 30\"]", "\"annotations\": {\"a\": \"b\"},"));
        OciRuntime rt = runtime();
        rt.create(request("life", b));
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")));
        StateReport s = rt.state("life");
        assertEquals(ContainerStatus.CREATED, s.status());
        assertEquals(pid, s.pid());
        assertEquals(b.toString(), s.bundle());
        assertEquals("b", s.annotations().get("a"));
        assertThrows(ContainerExistsException.class, () -> rt.create(request("life", b)));
        rt.start("life");
        assertEquals(ContainerStatus.RUNNING, rt.state("life").status());
        assertThrows(InvalidStateException.class, () -> rt.start("life"));
        assertThrows(InvalidStateException.class, () -> rt.delete("life", false));
        rt.kill("life", SignalName.parse("TERM"));
        long deadline = System.currentTimeMillis() + 5000;
        while (rt.state("life").status() != ContainerStatus.STOPPED && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        StateReport stopped = rt.state("life");
        assertEquals(ContainerStatus.STOPPED, stopped.status());
        assertEquals(0, stopped.pid());
        // The monitor is this JVM's child: it is gone once the JDK's process reaper has collected it.
        long reapDeadline = System.currentTimeMillis() + 5000;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < reapDeadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThrows(InvalidStateException.class, () -> rt.kill("life", 9));
        rt.delete("life", false);
        assertThrows(ContainerNotFoundException.class, () -> rt.state("life"));
    }

    /** The monitor records the container's exit status and exits with it. */
    @Test
    void theMonitorEndsWithTheContainersExitStatus() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/dev/kvm")) && Files.exists(Path.of("/bin/busybox")), "needs /dev/kvm and /bin/busybox");
        Path b = bundle(config("[\"sh\", \"-c\", \"exit 7\"]", ""));
        OciRuntime rt = runtime();
        rt.create(request("seven", b));
        ProcessIdentity monitor = rt.store().load("seven").monitor().orElseThrow();
        rt.start("seven");
        long deadline = System.currentTimeMillis() + 10000;
        while (monitor.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(ContainerStatus.STOPPED, rt.state("seven").status());
        assertEquals(7, rt.store().load("seven").exitCode());
        rt.delete("seven", false);
    }
}
