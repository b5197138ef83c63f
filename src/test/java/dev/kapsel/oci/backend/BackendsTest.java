package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import org.junit.jupiter.api.Test;

class BackendsTest {
    private static OciConfig annotated(String annotations) {
        return ConfigReader.parse("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "annotations": %s,
                 "process": {"args": ["sh"], "cwd": "/"}}""".formatted(annotations));
    }

    @Test
    void theAnnotationOverridesTheDefault() {
        assertEquals("vm", Backends.select(annotated("{\"dev.kapsel.isolation\": \"vm\"}")).id());
        assertEquals("sandbox", Backends.select(annotated("{\"dev.kapsel.isolation\": \"sandbox\"}")).id());
        assertEquals(Backends.defaultName(), Backends.select(annotated("{}")).id());
    }

    @Test
    void theDefaultIsTheSandboxWhereKvmCannotBootLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(KvmProbe.quickKind() != KvmKind.HARDWARE, "this host's KVM boots Linux");
        assertEquals("sandbox", Backends.defaultName());
    }

    @Test
    void theDefaultIsCheap() {
        Backends.defaultName();
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            Backends.defaultName();
        }
        long perCallMicros = (System.nanoTime() - start) / 10 / 1000;
        assertTrue(perCallMicros < 5000, "defaultName took " + perCallMicros + " us per call");
    }

    @Test
    void onlyTheVmBackendDeliversSignals() {
        assertTrue(Backends.byName("vm").isolation().deliversSignals());
        assertEquals(false, Backends.byName("sandbox").isolation().deliversSignals());
    }
}
