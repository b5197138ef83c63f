package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
