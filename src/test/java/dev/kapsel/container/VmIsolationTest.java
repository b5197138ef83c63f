package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.agent.ProcessSpec;
import dev.kapsel.agent.Rlimit;
import dev.kapsel.agent.TerminalSize;
import dev.kapsel.vmm.VmConfig;
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

/** How the micro-VM isolation turns a launch into the agent's request and the VM's size. */
class VmIsolationTest {
    @TempDir
    Path dir;

    @Test
    void processFieldsGoToTheAgentsRequest() {
        ContainerLaunch.Process p = new ContainerLaunch.Process(List.of("sh", "-c", "id"), List.of("A=1", "PATH=/bin"), "/srv",
                1000, 50, List.of(10L, 20L), List.of(new ContainerLaunch.Rlimit("RLIMIT_NOFILE", 1024, 4096)), true, "box");
        ProcessSpec s = VmIsolation.spawnRequest(p, new TerminalSize(40, 120), true);
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
        assertTrue(s.stdin());
    }

    @Test
    void anExecGetsNoHostnameAndAMissingPathGetsTheDefaultOnce() {
        ContainerLaunch.Process p = new ContainerLaunch.Process(List.of("ls"), List.of(), "", 0, 0, null, null, false, "box")
                .withoutHostname();
        ProcessSpec s = VmIsolation.spawnRequest(p, TerminalSize.DEFAULT, false);
        assertEquals("", s.hostname());
        assertEquals("/", s.cwd());
        assertEquals(List.of(ContainerLaunch.DEFAULT_PATH), s.env());
        assertFalse(s.terminal());
        assertFalse(s.stdin(), "no host stdin: the agent closes the process's at once");
    }

    @Test
    void whatTheAgentCannotTakeIsRefused() {
        ContainerLaunch.Process badLimit = new ContainerLaunch.Process(List.of("sh"), List.of(), "/", 0, 0, null,
                List.of(new ContainerLaunch.Rlimit("RLIMIT_BOGUS", 1, 1)), false, null);
        assertThrows(IllegalArgumentException.class, () -> VmIsolation.spawnRequest(badLimit, TerminalSize.DEFAULT, true));
        ContainerLaunch.Process badUid = new ContainerLaunch.Process(List.of("sh"), List.of(), "/", 4294967295L, 0, null, null, false, null);
        assertThrows(IllegalArgumentException.class, () -> VmIsolation.spawnRequest(badUid, TerminalSize.DEFAULT, true));
    }

    @Test
    void memoryAndCpusSizeTheVm() {
        assertEquals(VmIsolation.DEFAULT_MEMORY_MIB, VmIsolation.memoryMib(new ContainerLaunch.Resources(1, 0)));
        assertEquals(512, VmIsolation.memoryMib(new ContainerLaunch.Resources(1, 536870912)));
        assertEquals(513, VmIsolation.memoryMib(new ContainerLaunch.Resources(1, 536870913)), "rounded up to whole MiB");
        assertEquals(VmIsolation.MIN_MEMORY_MIB, VmIsolation.memoryMib(new ContainerLaunch.Resources(1, 6291456)));
        assertEquals(VmConfig.MAX_MEMORY_MIB, VmIsolation.memoryMib(new ContainerLaunch.Resources(1, 1L << 50)));
        assertEquals(4, VmIsolation.vcpus(new ContainerLaunch.Resources(8, 0), 4), "no more vCPUs than host CPUs");
        assertEquals(1, VmIsolation.vcpus(new ContainerLaunch.Resources(0, 0), 4));
    }

    @Property
    void theVmSizeIsAlwaysWithinBounds(@ForAll @LongRange(min = -1, max = Long.MAX_VALUE / 2) long limit,
                                       @ForAll @IntRange(min = -1, max = 100_000) int vcpus,
                                       @ForAll @IntRange(min = 1, max = 512) int hostCpus) {
        ContainerLaunch.Resources r = new ContainerLaunch.Resources(vcpus, limit);
        long mib = VmIsolation.memoryMib(r);
        assertTrue(mib >= VmIsolation.MIN_MEMORY_MIB && mib <= VmConfig.MAX_MEMORY_MIB, r.toString());
        int n = VmIsolation.vcpus(r, hostCpus);
        assertTrue(n >= 1 && n <= Math.min(hostCpus, VmConfig.MAX_VCPUS), r.toString());
    }

    @Test
    void singleFileBindsAreCopiedIntoTheImage() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 box\n");
        Path data = Files.createDirectory(dir.resolve("data"));
        List<ContainerLaunch.Mount> mounts = List.of(new ContainerLaunch.Mount("bind", hosts.toString(), "/etc/hosts", List.of("ro")),
                new ContainerLaunch.Mount("none", data.toString(), "/data", List.of("rbind")));
        assertEquals(Map.of("/etc/hosts", hosts), MountLimitations.fileBinds(mounts));
    }

    @Test
    void theNetworksResolvConfAndHostsJoinTheImageUnlessAMountBindsThem() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 box\n");
        Path ours = Files.writeString(dir.resolve("our-hosts"), "10.0.0.2 box\n");
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.0.0.1\n");
        ContainerLaunch launch = new ContainerLaunch(ContainerLaunch.Process.of(List.of("sh"), List.of(), "/"),
                new ContainerLaunch.RootFs.Directory(dir, false),
                List.of(new ContainerLaunch.Mount("bind", hosts.toString(), "/etc/hosts", List.of())),
                new ContainerLaunch.Network("namespace", Path.of("/run/netns/x"), List.of(), resolv, ours),
                ContainerLaunch.Resources.ofMib(1, 256), null, null, null);
        assertEquals(Map.of("/etc/hosts", hosts, "/etc/resolv.conf", resolv), VmIsolation.files(launch));
    }

    @Test
    void aNetworkNamespaceThatDoesNotExistIsRefusedAtCreate() throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/bin/true"), dir.resolve("bin/sh"));
        ContainerLaunch launch = new ContainerLaunch(ContainerLaunch.Process.of(List.of("/bin/sh"), List.of(), "/"),
                new ContainerLaunch.RootFs.Directory(dir, false), List.of(),
                ContainerLaunch.Network.ofNamespace(Path.of("/run/netns/kapsel-none-such")), ContainerLaunch.Resources.ofMib(1, 256),
                null, null, null);
        ContainerStartException.Unsupported e = assertThrows(ContainerStartException.Unsupported.class,
                () -> new VmIsolation().check(launch));
        assertEquals("network namespace /run/netns/kapsel-none-such (linux.namespaces[type=network].path) does not exist", e.getMessage());
    }

    @Test
    void directoryBindsBecomeOneVirtioFsShareEachWithTheirOptions() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 box\n");
        Path data = Files.createDirectory(dir.resolve("data"));
        Path cache = Files.createDirectory(dir.resolve("cache"));
        List<ContainerLaunch.Mount> mounts = List.of(new ContainerLaunch.Mount("bind", hosts.toString(), "/etc/hosts", List.of("ro")),
                new ContainerLaunch.Mount("none", data.toString(), "/data/", List.of("rbind", "ro", "nosuid", "nodev")),
                new ContainerLaunch.Mount("bind", dir.resolve("missing").toString(), "/gone", List.of()),
                new ContainerLaunch.Mount("bind", cache.toString(), "/var/cache", List.of("noexec")),
                new ContainerLaunch.Mount("tmpfs", "tmpfs", "/run", List.of()));
        assertEquals(List.of(
                new MicroVmContainer.Share(new dev.kapsel.vmm.SharedDirConfig("kapsel-0", data, true), "/data",
                        dev.kapsel.agent.AgentClient.MOUNT_READ_ONLY | dev.kapsel.agent.AgentClient.MOUNT_NOSUID
                                | dev.kapsel.agent.AgentClient.MOUNT_NODEV),
                new MicroVmContainer.Share(new dev.kapsel.vmm.SharedDirConfig("kapsel-1", cache, false), "/var/cache",
                        dev.kapsel.agent.AgentClient.MOUNT_NOEXEC)), VmIsolation.directoryBinds(mounts));
    }

    @Test
    void theGuestKernelCommandLineIsTheVmmsOwnPlusQuiet() {
        assertEquals(VmConfig.DEFAULT_CMDLINE + " quiet", MicroVmContainer.CMDLINE);
    }
}
