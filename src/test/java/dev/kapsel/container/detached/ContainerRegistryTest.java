package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRegistryTest {
    static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path tmp;
    ContainerRegistry registry;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        registry = new ContainerRegistry(tmp.resolve("containers"), Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterEach
    void killFakeMonitors() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
    }

    /** A long-running host process standing in for a monitor. */
    Process fakeMonitor(String... shell) throws Exception {
        Process p = new ProcessBuilder(shell.length == 0 ? new String[] {"sleep", "1000"} : shell).start();
        started.add(p);
        return p;
    }

    @Test
    void createWritesARecordWithLogsThatLoadsBack() throws Exception {
        ContainerRecord c = registry.create("web", "busybox:latest", List.of("sh", "-c", "echo hi"), "vm", false);
        assertTrue(ContainerId.isFull(c.id()), c.id());
        assertEquals(12, ContainerId.shorten(c.id()).length());
        assertEquals(ContainerStatus.CREATING, c.status());
        assertEquals(T0.toString(), c.created());
        Path dir = registry.directory(c.id());
        for (String f : List.of("state.json", "stdout.log", "stderr.log", "monitor.log")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        String json = Files.readString(dir.resolve("state.json"));
        assertTrue(json.contains("\"status\" : \"creating\""), json);
        assertTrue(json.contains("\"name\" : \"web\""), json);
        assertFalse(json.contains("exitCode"), "absent until the container ends: " + json);
        assertEquals(c, registry.load(c.id()));

        ContainerRecord ended = registry.update(c.id(), r -> r.withMonitor(new ProcessIdentity(42, 7))
                .running(T0.plusSeconds(1)).exited(3, T0.plusSeconds(5)));
        assertEquals(ended, registry.load(c.id()));
        assertEquals(3, registry.load(c.id()).exitCode());
        assertEquals(42L, registry.load(c.id()).monitorPid());
        assertEquals(ended, ended.exited(9, T0.plusSeconds(9)), "the first exit recorded stays");
    }

    @Test
    void aNameInUseIsRefusedNamingTheHolder() {
        ContainerRecord first = registry.create("x", "img", List.of("true"), "vm", false);
        NameInUseException e = assertThrows(NameInUseException.class, () -> registry.create("x", "img", List.of("true"), "vm", false));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains(ContainerId.shorten(first.id())), e.getMessage());
        registry.remove(first.id());
        assertEquals("x", registry.create("x", "img", List.of("true"), "vm", false).name(), "free again after rm");
    }

    @Test
    void invalidNamesAreRefused() {
        for (String bad : List.of("", "-x", "a b", "a/b", ".x", "a".repeat(129), "0123456789abcdef".repeat(4))) {
            assertThrows(InvalidContainerNameException.class, () -> registry.create(bad, "img", List.of(), "vm", false), bad);
        }
        assertEquals("a.b_c-1", registry.create("a.b_c-1", "img", List.of(), "vm", false).name());
    }

    @Test
    void generatedNamesAreValidAndDistinct() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String n = registry.create(null, "img", List.of(), "vm", false).name();
            assertEquals(n, ContainerNames.check(n));
            assertTrue(names.add(n), "generated twice: " + n);
        }
    }

    @Test
    void findsByIdThenNameThenUniquePrefix() {
        // 17 ids: two must share their first hex digit.
        Map<Character, List<ContainerRecord>> byFirst = new HashMap<>();
        List<ContainerRecord> all = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            ContainerRecord c = registry.create("c" + i, "img", List.of(), "vm", false);
            all.add(c);
            byFirst.computeIfAbsent(c.id().charAt(0), k -> new ArrayList<>()).add(c);
        }
        for (ContainerRecord c : all) {
            assertEquals(c, registry.find(c.id()));
            assertEquals(c, registry.find(c.name()));
            assertEquals(c, registry.find(ContainerId.shorten(c.id())));
        }
        String shared = byFirst.entrySet().stream().filter(e -> e.getValue().size() > 1).findFirst().orElseThrow()
                .getKey().toString();
        AmbiguousContainerException amb = assertThrows(AmbiguousContainerException.class, () -> registry.find(shared));
        assertTrue(amb.getMessage().startsWith("'" + shared + "' is a prefix of"), amb.getMessage());
        assertThrows(NoSuchContainerException.class, () -> registry.find("nosuch"));
        assertThrows(NoSuchContainerException.class, () -> registry.find(""));
        // A name wins over an id prefix that happens to equal it.
        ContainerRecord named = registry.create(all.getFirst().id().substring(0, 4), "img", List.of(), "vm", false);
        assertEquals(named, registry.find(named.name()));
    }

    @Test
    void listIsNewestFirstAndRemoveDeletesEverything() {
        ContainerRegistry later = new ContainerRegistry(registry.root(), Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
        ContainerRecord old = registry.create("old", "img", List.of(), "vm", false);
        ContainerRecord young = later.create("young", "img", List.of(), "vm", false);
        assertEquals(List.of(young, old), registry.list());
        registry.remove(old.id());
        assertFalse(Files.exists(registry.directory(old.id())));
        assertEquals(List.of(young), registry.list());
        registry.remove(old.id());
        assertThrows(NoSuchContainerException.class, () -> registry.load(old.id()));
        assertThrows(NoSuchContainerException.class, () -> registry.update(old.id(), r -> r));
    }

    @Test
    void concurrentCreatesOfOneNameHaveOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ContainerRecord>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // Each thread its own registry object on the same directory, as separate commands would be.
                Callable<ContainerRecord> create = () -> new ContainerRegistry(registry.root(), Clock.systemUTC())
                        .create("x", "img", List.of(), "vm", false);
                attempts.add(pool.submit(create));
            }
            int won = 0;
            for (Future<ContainerRecord> f : attempts) {
                try {
                    f.get();
                    won++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertInstanceOf(NameInUseException.class, e.getCause());
                }
            }
            assertEquals(1, won);
            assertEquals(1, registry.list().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stateFollowsTheRecordAndTheMonitorsLiveness() throws Exception {
        ContainerRecord c = registry.create("x", "img", List.of(), "vm", false);
        assertInstanceOf(ContainerState.Created.class, ContainerState.of(c), "no monitor recorded yet");
        Process monitor = fakeMonitor();
        ProcessIdentity identity = ProcessIdentity.of(monitor.pid()).orElseThrow();
        ContainerRecord booting = registry.update(c.id(), r -> r.withMonitor(identity));
        assertInstanceOf(ContainerState.Created.class, ContainerState.of(booting));
        assertTrue(ContainerState.of(booting).isActive());
        ContainerRecord running = registry.update(c.id(), r -> r.running(T0.plusSeconds(2)));
        assertEquals(new ContainerState.Up(T0.plusSeconds(2)), ContainerState.of(running));

        ContainerRecord reusedPid = running.withMonitor(new ProcessIdentity(identity.pid(), identity.startTime() + 1));
        assertEquals(new ContainerState.Exited(null, null), ContainerState.of(reusedPid), "same pid, other start time: not ours");

        monitor.destroyForcibly().waitFor();
        assertEquals(new ContainerState.Exited(null, null), ContainerState.of(registry.load(c.id())), "crashed monitor: never Up");
        assertFalse(ContainerState.of(registry.load(c.id())).isActive());

        ContainerRecord exited = registry.update(c.id(), r -> r.exited(3, T0.plusSeconds(9)));
        assertEquals(new ContainerState.Exited(3, T0.plusSeconds(9)), ContainerState.of(exited));
    }

    @Test
    void stopSendsSigtermAndRecords143() throws Exception {
        ContainerRecord c = registry.create("x", "img", List.of(), "vm", false);
        Process monitor = fakeMonitor();
        c = registry.update(c.id(), r -> r.withMonitor(ProcessIdentity.of(monitor.pid()).orElseThrow()).running(T0));
        long start = System.nanoTime();
        assertEquals(ContainerStopper.Outcome.STOPPED, new ContainerStopper(registry).stop(c, java.time.Duration.ofSeconds(10)));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "SIGTERM ends sleep at once");
        assertEquals(143, monitor.waitFor());
        assertEquals(new ContainerState.Exited(143, T0), ContainerState.of(registry.load(c.id())));
        assertEquals(ContainerStopper.Outcome.ALREADY_STOPPED,
                new ContainerStopper(registry).stop(registry.load(c.id()), java.time.Duration.ofSeconds(10)));
    }

    @Test
    void stopKillsAfterTheGracePeriodAndRemovesRmContainers() throws Exception {
        ContainerRecord created = registry.create("x", "img", List.of(), "vm", true);
        // SIGTERM ignored, and exec keeps it ignored: only SIGKILL ends this one.
        Process monitor = fakeMonitor("sh", "-c", "trap '' TERM; exec sleep 1000");
        Thread.sleep(300);
        ContainerRecord c = registry.update(created.id(), r -> r.withMonitor(ProcessIdentity.of(monitor.pid()).orElseThrow()).running(T0));
        long start = System.nanoTime();
        assertEquals(ContainerStopper.Outcome.KILLED, new ContainerStopper(registry).stop(c, java.time.Duration.ofMillis(500)));
        assertTrue(System.nanoTime() - start >= 500_000_000L, "waited the grace period");
        assertEquals(137, monitor.waitFor());
        assertThrows(NoSuchContainerException.class, () -> registry.load(c.id()), "--rm: removed once ended");
    }

    @Test
    void killRecords137() throws Exception {
        ContainerRecord c = registry.create("x", "img", List.of(), "vm", false);
        Process monitor = fakeMonitor();
        c = registry.update(c.id(), r -> r.withMonitor(ProcessIdentity.of(monitor.pid()).orElseThrow()).running(T0));
        assertTrue(new ContainerStopper(registry).kill(c));
        assertEquals(137, registry.load(c.id()).exitCode());
        assertFalse(new ContainerStopper(registry).kill(registry.load(c.id())), "already dead");
        assertNotEquals(ContainerStatus.RUNNING, registry.load(c.id()).status());
    }
}
