package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.Rlimit;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.spec.OciProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmConfigMappingTest {
    @TempDir
    Path dir;

    private static OciConfig config(String process, String extra) {
        return ConfigReader.parse("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, %s
                 "process": %s}
                """.formatted(extra, process));
    }

    private static OciConfig resources(String resources) {
        return config("{\"args\": [\"sh\"], \"cwd\": \"/\"}", "\"linux\": {\"resources\": " + resources + "},");
    }

    @Test
    void processFieldsGoToTheAgentSpec() {
        OciConfig c = config("""
                {"terminal": true, "args": ["sh", "-c", "id"], "env": ["A=1", "PATH=/bin"], "cwd": "/srv",
                 "user": {"uid": 1000, "gid": 50, "additionalGids": [10, 20]},
                 "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024}]}""", "\"hostname\": \"box\",");
        ProcessSpec s = VmConfigMapping.processSpec(c.process(), c.hostname(), new TerminalSize(40, 120));
        assertEquals(List.of("sh", "-c", "id"), s.argv());
        assertEquals(List.of("A=1", "PATH=/bin"), s.env());
        assertEquals("/srv", s.cwd());
        assertEquals(1000, s.uid());
        assertEquals(50, s.gid());
        assertEquals(List.of(10, 20), s.additionalGids());
        assertEquals(List.of(Rlimit.of("NOFILE", 1024, 4096)), s.rlimits());
        assertEquals("box", s.hostname());
        assertTrue(s.terminal());
        assertEquals(new TerminalSize(40, 120), s.terminalSize());
        assertTrue(s.stdin(), "the host end always feeds stdin, if only its end of file");
    }

    @Test
    void execGetsNoHostnameAndAMissingPathGetsTheDefault() {
        OciProcess exec = new OciProcess(false, null, List.of("ls"), null, "", null, null);
        ProcessSpec s = VmConfigMapping.processSpec(exec, null, TerminalSize.DEFAULT);
        assertEquals("", s.hostname());
        assertEquals("/", s.cwd());
        assertEquals(List.of(VmConfigMapping.DEFAULT_PATH), s.env());
        assertFalse(s.terminal());
    }

    @Test
    void whatTheAgentCannotTakeIsRefused() {
        OciConfig badLimit = config("{\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_BOGUS\", \"hard\": 1, \"soft\": 1}]}", "");
        assertThrows(IllegalArgumentException.class, () -> VmConfigMapping.processSpec(badLimit.process(), null, TerminalSize.DEFAULT));
        OciConfig badUid = config("{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 4294967295, \"gid\": 0}}", "");
        assertThrows(IllegalArgumentException.class, () -> VmConfigMapping.processSpec(badUid.process(), null, TerminalSize.DEFAULT));
    }

    @Test
    void memoryAndCpuSizeTheVm() {
        assertEquals(new VmConfigMapping.VmSize(1, VmConfigMapping.DEFAULT_MEMORY_MIB), VmConfigMapping.size(resources("{}"), 8));
        assertEquals(512, VmConfigMapping.size(resources("{\"memory\": {\"limit\": 536870912}}"), 8).memoryMib());
        assertEquals(513, VmConfigMapping.size(resources("{\"memory\": {\"limit\": 536870913}}"), 8).memoryMib(), "rounded up to whole MiB");
        assertEquals(VmConfigMapping.MIN_MEMORY_MIB, VmConfigMapping.size(resources("{\"memory\": {\"limit\": 6291456}}"), 8).memoryMib());
        assertEquals(VmConfigMapping.MAX_MEMORY_MIB, VmConfigMapping.size(resources("{\"memory\": {\"limit\": 1099511627776}}"), 8).memoryMib());
        assertEquals(3, VmConfigMapping.size(resources("{\"cpu\": {\"quota\": 250000, \"period\": 100000}}"), 8).vcpus());
        assertEquals(2, VmConfigMapping.size(resources("{\"cpu\": {\"cpus\": \"0,2\"}}"), 8).vcpus());
        assertEquals(4, VmConfigMapping.size(resources("{\"cpu\": {\"cpus\": \"0-7\"}}"), 4).vcpus(), "no more vCPUs than host CPUs");
        assertEquals(1, VmConfigMapping.size(resources("{\"cpu\": {\"quota\": -1, \"period\": 100000, \"cpus\": \"\"}}"), 4).vcpus());
    }

    @Property
    void theVmSizeIsAlwaysWithinBounds(@ForAll @LongRange(min = -1, max = Long.MAX_VALUE / 2) long limit,
                                       @ForAll @LongRange(min = -1, max = 1L << 40) long quota,
                                       @ForAll @LongRange(min = 0, max = 1_000_000) long period,
                                       @ForAll @IntRange(min = 1, max = 512) int hostCpus) {
        VmConfigMapping.VmSize s = VmConfigMapping.size(resources(
                "{\"memory\": {\"limit\": %d}, \"cpu\": {\"quota\": %d, \"period\": %d}}".formatted(limit, quota, period)), hostCpus);
        assertTrue(s.memoryMib() >= VmConfigMapping.MIN_MEMORY_MIB && s.memoryMib() <= VmConfigMapping.MAX_MEMORY_MIB, s.toString());
        assertTrue(s.vcpus() >= 1 && s.vcpus() <= Math.min(hostCpus, VmConfigMapping.MAX_VCPUS), s.toString());
    }

    @Test
    void cpusetListsAreCountedAndGarbageIsOneCpu() {
        assertEquals(5, VmConfigMapping.cpusetSize("0-3,6"));
        assertEquals(1, VmConfigMapping.cpusetSize("3"));
        assertEquals(1, VmConfigMapping.cpusetSize("x-y"));
        assertEquals(1, VmConfigMapping.cpusetSize("5-2"));
    }

    @Test
    void fileBindsAreCopiedDirectoryBindsAndForeignMountsAreReported() throws IOException {
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
                  {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"}],
                "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO"}},
                """.formatted(hosts, env, data));
        assertEquals(Map.of("/etc/hosts", hosts, "/run/.containerenv", env), VmConfigMapping.fileBinds(c));
        List<String> limits = VmConfigMapping.limitations(c);
        assertEquals(3, limits.size(), limits.toString());
        assertTrue(limits.get(0).startsWith("directory bind mounts at /data ("), limits.toString());
        assertTrue(limits.get(1).startsWith("mounts cgroup:/sys/fs/cgroup ("), limits.toString());
        assertTrue(limits.get(2).startsWith("seccomp profile"), limits.toString());
    }

    @Test
    void aMemoryLimitOutsideTheVmRangeIsReported() {
        List<String> limits = VmConfigMapping.limitations(resources("{\"memory\": {\"limit\": 6291456}}"));
        assertEquals(List.of("memory limit 6 MiB (the VM gets 128 MiB: VMs have 128-16384 MiB, the guest kernel included)"), limits);
        assertEquals(List.of(), VmConfigMapping.limitations(resources("{\"memory\": {\"limit\": 268435456}}")));
    }
}
