package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorCommandTest {
    @Test
    void aMonitorKeepsTheCacheButNeitherMakesOneNorInheritsSignalsOrTheDebugger() {
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:AOTCache=/t/kapsel.aot", "-Dkapsel.program=kapsel"), MonitorCommand.inherited(List.of(
                "-XX:+UseSerialGC", "-XX:AOTCache=/t/kapsel.aot", "-XX:AOTCacheOutput=/t/kapsel.aot.tmp", "-XX:AOTMode=record",
                "-XX:AOTConfiguration=/t/x.conf", "-Xrs", "--enable-native-access=ALL-UNNAMED",
                "-agentlib:jdwp=transport=dt_socket,server=y", "-Dkapsel.program=kapsel")));
    }

    @Test
    void theCommandRunsTheMainClassWithNativeAccessAndSaysWhetherItCatchesSignals() {
        List<String> forwarding = MonitorCommand.of("x.Main", List.of("/req.json"), true);
        List<String> plain = MonitorCommand.of("x.Main", List.of("/req.json"), false);
        assertEquals(List.of("x.Main", "/req.json"), forwarding.subList(forwarding.size() - 2, forwarding.size()));
        assertTrue(forwarding.contains(MonitorCommand.NATIVE_ACCESS) && !forwarding.contains("-Xrs"), forwarding.toString());
        assertTrue(plain.contains("-Xrs"), plain.toString());
    }

    @Test
    void theMonitorIsSizedForOneContainerAndAParentsOptionStillWins() {
        List<String> command = MonitorCommand.of("x.Main", List.of("/req.json"), false);
        assertEquals(List.of("-Xms8m", "-XX:TrimNativeHeapInterval=5000"),
                command.subList(1, 1 + MonitorCommand.DENSITY.size()));
        assertTrue(command.stream().noneMatch(o -> o.startsWith("-Xmx")), "the writable layer is on the heap: no ceiling below the memory limit: " + command);
        // the JVM takes the last of repeated options: the parent's (inherited) come after DENSITY
        List<String> parent = ManagementFactory.getRuntimeMXBean().getInputArguments();
        int inheritedAt = 1 + MonitorCommand.DENSITY.size();
        assertEquals(MonitorCommand.inherited(parent), command.subList(inheritedAt, inheritedAt + MonitorCommand.inherited(parent).size()));
    }

    @Test
    void theMonitorsEnvironmentLimitsMallocArenasAndKeepsTheRest() {
        ProcessBuilder pb = MonitorCommand.builder("x.Main", List.of("/req.json"), true);
        assertEquals("2", pb.environment().get("MALLOC_ARENA_MAX"));
        assertEquals(System.getenv("PATH"), pb.environment().get("PATH"));
        assertEquals(MonitorCommand.of("x.Main", List.of("/req.json"), true), pb.command());
    }
}
