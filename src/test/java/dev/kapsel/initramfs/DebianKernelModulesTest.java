package dev.kapsel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.StateDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Module resolution against the Debian cloud kernel that bin/setup puts in the kernel cache. */
class DebianKernelModulesTest {
    /** The cached kernel's module tree; fails (never skips) when bin/setup has not run. */
    static Path moduleTree() {
        GuestKernels kernels = new GuestKernels(StateDirectory.resolve());
        return kernels.defaultModules().orElseThrow(() -> new AssertionError(
                "no kernel modules under " + kernels.defaultDirectory() + "/lib/modules: run bin/setup"));
    }

    private static List<String> names(List<KernelModule> modules) {
        return modules.stream().map(KernelModule::name).toList();
    }

    @Test
    void virtioBlkComesAfterVirtioRingAndVirtio() throws Exception {
        KernelModules k = KernelModules.load(moduleTree());
        assertEquals(List.of("virtio_ring", "virtio", "virtio_blk"), names(k.resolve(List.of("virtio_blk"))));
        for (KernelModule m : k.resolve(List.of("virtio_blk"))) {
            assertTrue(Files.isRegularFile(k.file(m)), k.file(m).toString());
        }
    }

    @Test
    void everyFeatureResolvesToPlainModulesInDependencyOrder() throws Exception {
        KernelModules k = KernelModules.load(moduleTree());
        List<String> all = EnumSet.allOf(GuestFeature.class).stream().flatMap(f -> f.modules().stream()).toList();
        List<String> order = names(k.resolve(all));
        for (String wanted : List.of("virtio_mmio", "virtio_blk", "virtio_net", "vmw_vsock_virtio_transport",
                "virtio_rng", "virtio_console", "overlay")) {
            assertTrue(order.contains(wanted), wanted + " missing from " + order);
        }
        assertTrue(order.indexOf("vsock") < order.indexOf("vmw_vsock_virtio_transport_common"), order.toString());
        assertTrue(order.indexOf("vmw_vsock_virtio_transport_common") < order.indexOf("vmw_vsock_virtio_transport"), order.toString());
        assertTrue(order.indexOf("failover") < order.indexOf("net_failover"), order.toString());
        assertEquals(order.size(), order.stream().distinct().count(), order.toString());
    }

    @Test
    void ext4IsBuiltIntoTheCloudKernel() throws Exception {
        KernelModules k = KernelModules.load(moduleTree());
        assertTrue(k.isBuiltin("ext4"));
        assertEquals(List.of(), k.resolve(List.of("ext4")));
    }

    @Test
    void theVirtioBlockDeviceIdAliasFindsVirtioBlk() throws Exception {
        KernelModules k = KernelModules.load(moduleTree());
        assertEquals("virtio_blk", k.resolve(List.of("virtio:d00000002v00001AF4")).getLast().name());
        assertEquals("overlay", k.resolve(List.of("fs-overlay")).getLast().name());
    }
}
