package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.container.IsolationKind;
import dev.kapsel.container.Limitation;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An OCI bundle read as the container service's launch, and what each isolation reports it will not honour. */
class OciLaunchTest {
    @TempDir
    Path dir;

    private static OciConfig config(String process, String extra) {
        return ConfigReader.parse("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, %s
                 "process": %s}
                """.formatted(extra, process));
    }

    private static ContainerLaunch resources(String resources) {
        return OciLaunch.of(config("{\"args\": [\"sh\"], \"cwd\": \"/\"}", "\"linux\": {\"resources\": " + resources + "},"), Path.of("/b"));
    }

    private static List<Limitation.Kind> kinds(List<Limitation> limits) {
        return limits.stream().map(Limitation::kind).toList();
    }

    @Test
    void processFieldsAndTheHostnameGoToTheLaunch() {
        OciConfig c = config("""
                {"terminal": true, "args": ["sh", "-c", "id"], "env": ["A=1", "PATH=/bin"], "cwd": "/srv",
                 "user": {"uid": 1000, "gid": 50, "additionalGids": [10, 20]},
                 "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024}]}""", "\"hostname\": \"box\",");
        ContainerLaunch launch = OciLaunch.of(c, Path.of("/bundle"));
        ContainerLaunch.Process p = launch.process();
        assertEquals(List.of("sh", "-c", "id"), p.args());
        assertEquals(List.of("A=1", "PATH=/bin"), p.envWithPath());
        assertEquals("/srv", p.cwd());
        assertEquals(1000, p.uid());
        assertEquals(50, p.gid());
        assertEquals(List.of(10L, 20L), p.additionalGids());
        assertEquals(List.of(new ContainerLaunch.Rlimit("RLIMIT_NOFILE", 1024, 4096)), p.rlimits());
        assertEquals("box", p.hostname());
        assertTrue(p.terminal());
        assertEquals(new ContainerLaunch.RootFs.Directory(Path.of("/bundle/rootfs"), false), launch.root());
    }

    @Test
    void memoryAndCpuAreReadOnce() {
        assertEquals(new ContainerLaunch.Resources(1, 0), resources("{}").resources());
        assertEquals(536870913, resources("{\"memory\": {\"limit\": 536870913}}").resources().memoryBytes());
        assertEquals(0, resources("{\"memory\": {\"limit\": -1}}").resources().memoryBytes(), "unlimited is unset");
        assertEquals(3, resources("{\"cpu\": {\"quota\": 250000, \"period\": 100000}}").resources().vcpus());
        assertEquals(2, resources("{\"cpu\": {\"cpus\": \"0,2\"}}").resources().vcpus());
        assertEquals(1, resources("{\"cpu\": {\"quota\": -1, \"period\": 100000, \"cpus\": \"\"}}").resources().vcpus());
    }

    @Test
    void cpusetListsAreCountedAndGarbageIsOneCpu() {
        assertEquals(5, OciLaunch.cpusetSize("0-3,6"));
        assertEquals(1, OciLaunch.cpusetSize("3"));
        assertEquals(1, OciLaunch.cpusetSize("x-y"));
        assertEquals(1, OciLaunch.cpusetSize("5-2"));
    }

    @Test
    void fileAndDirectoryBindsAreHonouredByBothIsolationsOtherBindsAndForeignMountsAreReported() throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 box\n");
        Path env = Files.writeString(dir.resolve("containerenv"), "engine=\"podman\"\n");
        Path data = Files.createDirectory(dir.resolve("data"));
        OciConfig c = config("{\"args\": [\"sh\"], \"cwd\": \"/\"}", """
                "mounts": [
                  {"destination": "/proc", "type": "proc", "source": "proc"},
                  {"destination": "/dev/pts", "type": "devpts", "source": "devpts"},
                  {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
                  {"destination": "/sys", "type": "sysfs", "source": "sysfs"},
                  {"destination": "/etc/hosts", "type": "bind", "source": "%s", "options": ["rbind", "ro"]},
                  {"destination": "/run/.containerenv", "type": "none", "source": "%s", "options": ["bind"]},
                  {"destination": "/data", "type": "bind", "source": "%s", "options": ["rbind"]},
                  {"destination": "/gone", "type": "bind", "source": "%s/missing", "options": ["rbind"]},
                  {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"}],
                "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO"}},
                """.formatted(hosts, env, data, dir));
        ContainerLaunch launch = OciLaunch.of(c, dir);
        List<Limitation> vm = IsolationKind.VM.isolation().limitations(launch);
        assertEquals(List.of(Limitation.Kind.BIND_MOUNTS, Limitation.Kind.OTHER_MOUNTS, Limitation.Kind.SECCOMP), kinds(vm), vm.toString());
        assertTrue(vm.get(0).line().startsWith("bind mounts at /gone ("), vm.toString());
        assertTrue(vm.get(1).line().startsWith("mounts cgroup:/sys/fs/cgroup ("), vm.toString());
        List<Limitation> sandbox = IsolationKind.SANDBOX.isolation().limitations(launch);
        assertEquals(List.of(Limitation.Kind.BIND_MOUNTS, Limitation.Kind.OTHER_MOUNTS, Limitation.Kind.SECCOMP), kinds(sandbox),
                sandbox.toString());
        assertTrue(sandbox.get(0).line().startsWith("bind mounts at /gone ("), sandbox.toString());
    }

    @Test
    void eachIsolationReportsTheSameLinuxFeaturesWithItsOwnReason() {
        ContainerLaunch launch = OciLaunch.of(ConfigReader.parse("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "/"},
                 "linux": {"devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229}],
                           "seccomp": {"defaultAction": "SCMP_ACT_ERRNO"},
                           "namespaces": [{"type": "ipc", "path": "/proc/1/ns/ipc"}, {"type": "pid"}]}}"""), dir);
        List<Limitation.Kind> expected = List.of(Limitation.Kind.DEVICES, Limitation.Kind.SECCOMP, Limitation.Kind.NAMESPACES);
        assertEquals(expected, kinds(IsolationKind.SANDBOX.isolation().limitations(launch)));
        assertEquals(expected, kinds(IsolationKind.VM.isolation().limitations(launch)));
        // one wording check: the line names the feature and the isolation's reason
        assertEquals("joining namespaces ipc=/proc/1/ns/ipc (the VM has its own kernel)",
                IsolationKind.VM.isolation().limitations(launch).get(2).line());
    }

    @Test
    void theEnginesNetworkNamespaceIsTheLaunchsNetworkWhichTheVmAndTheSandboxJoin() {
        ContainerLaunch launch = OciLaunch.of(config("{\"args\": [\"sh\"], \"cwd\": \"/\"}",
                "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/run/netns/n1\"}]},"),
                Path.of("/b"));
        assertEquals(ContainerLaunch.Network.ofNamespace(Path.of("/run/netns/n1")), launch.network());
        assertEquals(List.of(), launch.linux().joinedNamespaces(), "the network namespace is not a namespace the VM ignores");
        assertEquals(List.of(), IsolationKind.VM.isolation().limitations(launch));
        assertEquals(List.of(), IsolationKind.SANDBOX.isolation().limitations(launch), "the sandbox's sockets are made in it");
        // a new, empty network namespace (no path) is what the guest has anyway: its own, with loopback only
        ContainerLaunch fresh = OciLaunch.of(config("{\"args\": [\"sh\"], \"cwd\": \"/\"}",
                "\"linux\": {\"namespaces\": [{\"type\": \"network\"}]},"), Path.of("/b"));
        assertTrue(fresh.network().isNone());
    }

    @Test
    void aMemoryLimitOutsideAnIsolationsRangeIsReported() {
        List<Limitation> small = IsolationKind.VM.isolation().limitations(resources("{\"memory\": {\"limit\": 6291456}}"));
        assertEquals(List.of("memory limit 6 MiB (the VM gets 128 MiB: VMs have 128-262144 MiB, the guest kernel included)"),
                small.stream().map(Limitation::line).toList());
        assertEquals(List.of(), IsolationKind.VM.isolation().limitations(resources("{\"memory\": {\"limit\": 268435456}}")));
        assertEquals(List.of(Limitation.Kind.MEMORY),
                kinds(IsolationKind.SANDBOX.isolation().limitations(resources("{\"memory\": {\"limit\": 4294967296}}"))));
    }

    @Test
    void theSandboxReportsUserRlimitsAndAReadOnlyRootButServesTheHostname() {
        OciConfig c = config("""
                {"args": ["sh"], "cwd": "/", "user": {"uid": 1000, "gid": 1000},
                 "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1}]}""",
                "\"hostname\": \"h\", \"root\": {\"path\": \"rootfs\", \"readonly\": true},");
        assertEquals(List.of(Limitation.Kind.USER, Limitation.Kind.RLIMITS, Limitation.Kind.READONLY_ROOT),
                kinds(IsolationKind.SANDBOX.isolation().limitations(OciLaunch.of(c, dir))));
    }
}
