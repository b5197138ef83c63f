package dev.kapsel.oci.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.spec.OciProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's request file: what one side writes the other reads back whole, once; nothing unknown is accepted. */
class MonitorRequestTest {
    @TempDir
    Path dir;

    @Test
    void aDetachedRequestCarriesTheWholeLaunch() throws Exception {
        ContainerLaunch launch = new ContainerLaunch(
                new ContainerLaunch.Process(List.of("sh", "-c", "echo hi"), List.of("A=1"), "/srv", 1000, 50, List.of(10L),
                        List.of(new ContainerLaunch.Rlimit("RLIMIT_NOFILE", 1, 2)), false, "box"),
                new ContainerLaunch.RootFs.ImageDisk(Path.of("/images/x.ext4"), null),
                List.of(new ContainerLaunch.Mount("bind", "/etc/hosts", "/etc/hosts", List.of("ro"))), ContainerLaunch.Network.NONE,
                ContainerLaunch.Resources.ofMib(2, 512), new ContainerLaunch.LinuxFeatures(List.of("/dev/fuse"), true, List.of()),
                ContainerLaunch.Stdio.logs(dir.resolve("out"), dir.resolve("err")), dir);
        MonitorRequest written = new MonitorRequest.Detached(dir, "abc", IsolationKind.SANDBOX, launch);
        Path file = written.write(dir.resolve("monitor.json"));
        assertEquals(written, MonitorRequest.readOnce(file));
        assertFalse(Files.exists(file), "the request is for one monitor only");
    }

    @Test
    void aBridgedLaunchKeepsItsPortsDnsAndHosts() throws Exception {
        ContainerLaunch launch = new ContainerLaunch(ContainerLaunch.Process.of(List.of("httpd"), List.of(), "/"),
                new ContainerLaunch.RootFs.ImageDisk(Path.of("/images/x.ext4"), null), List.of(),
                ContainerLaunch.Network.ofBridge(new ContainerLaunch.Bridge("0123456789ab", List.of("8080:80", "127.0.0.1:53:53/udp"),
                        List.of("10.0.0.53"), List.of("db:10.0.0.7"))),
                ContainerLaunch.Resources.ofMib(1, 256), null, ContainerLaunch.Stdio.logs(dir.resolve("out"), dir.resolve("err")), dir);
        MonitorRequest written = new MonitorRequest.Detached(dir, "0123456789ab", IsolationKind.VM, launch);
        MonitorRequest read = MonitorRequest.readOnce(written.write(dir.resolve("monitor.json")));
        assertEquals(written, read);
        assertEquals(launch.network().bridge().mappings(), ((MonitorRequest.Detached) read).launch().network().bridge().mappings());
    }

    @Test
    void anOciExecRequestRoundTrips() throws Exception {
        MonitorRequest written = new MonitorRequest.Oci(MonitorRequest.Mode.EXEC, dir, "c1", null, RuntimeLog.Format.JSON,
                new OciProcess(true, null, List.of("ls"), List.of("PATH=/bin"), "/", List.of(), null), true);
        assertEquals(written, MonitorRequest.readOnce(written.write(dir.resolve("exec.json"))));
    }

    @Test
    void aFieldThisKapselDoesNotKnowIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"),
                "{\"kind\": \"oci\", \"mode\": \"INIT\", \"root\": \"/r\", \"id\": \"c\", \"tty\": false, \"surprise\": 1}");
        assertThrows(com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException.class, () -> MonitorRequest.readOnce(file));
    }
}
