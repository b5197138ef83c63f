package dev.kapsel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module resolution against synthetic depmod indexes. */
class KernelModulesTest {
    private static final String VERSION = "9.9.9-test";

    private static KernelModules tree(Path dir, String dep, String builtin, String alias) throws Exception {
        Path modules = Files.createDirectories(dir.resolve("lib/modules/" + VERSION));
        Files.writeString(modules.resolve("modules.dep"), dep);
        if (builtin != null) {
            Files.writeString(modules.resolve("modules.builtin"), builtin);
        }
        if (alias != null) {
            Files.writeString(modules.resolve("modules.alias"), alias);
        }
        return KernelModules.load(modules);
    }

    private static List<String> names(List<KernelModule> modules) {
        return modules.stream().map(KernelModule::name).toList();
    }

    private static final String DEP = """
            kernel/drivers/virtio/virtio_ring.ko:
            kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/net/core/failover.ko:
            kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
            kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/fs/overlayfs/overlay.ko:
            """;

    @Test
    void dependenciesComeFirstAndEachModuleOnce(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, DEP, null, null);
        List<KernelModule> order = k.resolve(List.of("virtio_blk", "virtio_net", "virtio_mmio", "virtio_blk"));
        assertEquals(List.of("virtio_ring", "virtio", "virtio_blk", "failover", "net_failover", "virtio_net", "virtio_mmio"),
                names(order));
        assertEquals("kernel/drivers/block/virtio_blk.ko", order.get(2).path());
        assertEquals(dir.resolve("lib/modules/" + VERSION + "/kernel/drivers/block/virtio_blk.ko"), k.file(order.get(2)));
        assertEquals(VERSION, k.version());
    }

    @Test
    void everyModuleFollowsAllItsDependencies(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, DEP, null, null);
        List<String> order = names(k.resolve(List.of("virtio_net")));
        assertTrue(order.indexOf("failover") < order.indexOf("net_failover"), order.toString());
        assertTrue(order.indexOf("net_failover") < order.indexOf("virtio_net"), order.toString());
        assertTrue(order.indexOf("virtio_ring") < order.indexOf("virtio"), order.toString());
        assertEquals(order.size(), order.stream().distinct().count());
    }

    @Test
    void dashesAndUnderscoresAreTheSameName(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, DEP, null, null);
        assertEquals(List.of("virtio_ring", "virtio", "virtio_rng"), names(k.resolve(List.of("virtio-rng"))));
        assertEquals(names(k.resolve(List.of("virtio-rng"))), names(k.resolve(List.of("virtio_rng"))));
        assertEquals("kernel/drivers/char/hw_random/virtio-rng.ko", k.resolve(List.of("virtio_rng")).getLast().path());
    }

    @Test
    void builtinModulesResolveToNothing(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, DEP, "kernel/fs/ext4/ext4.ko\nkernel/fs/jbd2/jbd2.ko\n", null);
        assertEquals(List.of(), k.resolve(List.of("ext4", "jbd2")));
        assertTrue(k.isBuiltin("ext4"));
        assertEquals(List.of("overlay"), names(k.resolve(List.of("ext4", "overlay"))));
    }

    @Test
    void aliasesResolveToTheirModules(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, DEP, "kernel/fs/ext4/ext4.ko\n", """
                # Aliases extracted from modules themselves.
                alias fs-overlay overlay
                alias virtio:d00000002v* virtio_blk
                alias virtio:d0000000[4-5]v* virtio_rng
                alias fs-ext4 ext4
                """);
        assertEquals(List.of("overlay"), names(k.resolve(List.of("fs-overlay"))));
        assertEquals(List.of("virtio_ring", "virtio", "virtio_blk"), names(k.resolve(List.of("virtio:d00000002v00001AF4"))));
        assertEquals("virtio_rng", k.resolve(List.of("virtio:d00000005v0")).getLast().name());
        assertEquals(List.of(), k.resolve(List.of("fs-ext4")));
    }

    @Test
    void anUnknownModuleIsNamedWithTheKernelVersion(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, DEP, null, "alias virtio:d00000002v* virtio_blk\n");
        ModuleException.UnknownModule e = assertThrows(ModuleException.UnknownModule.class,
                () -> k.resolve(List.of("virtio_blk", "virtio_gpu")));
        assertEquals("virtio_gpu", e.module());
        assertEquals(VERSION, e.kernelVersion());
        assertTrue(e.getMessage().contains("virtio_gpu") && e.getMessage().contains(VERSION), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aCycleIsReportedWithItsMembers(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, """
                kernel/a.ko: kernel/b.ko
                kernel/b.ko: kernel/c.ko
                kernel/c.ko: kernel/a.ko
                kernel/d.ko: kernel/a.ko
                kernel/e.ko: kernel/e.ko
                """, null, null);
        ModuleException.DependencyCycle e = assertThrows(ModuleException.DependencyCycle.class, () -> k.resolve(List.of("d")));
        assertEquals(List.of("a", "b", "c", "a"), e.cycle());
        assertTrue(e.getMessage().contains("a -> b -> c -> a"), e.getMessage());
        assertEquals(List.of("e", "e"), assertThrows(ModuleException.DependencyCycle.class, () -> k.resolve(List.of("e"))).cycle());
    }

    @Test
    void aSharedDependencyIsNotACycle(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, """
                kernel/top.ko: kernel/left.ko kernel/right.ko kernel/base.ko
                kernel/left.ko: kernel/base.ko
                kernel/right.ko: kernel/base.ko
                kernel/base.ko:
                """, null, null);
        assertEquals(List.of("base", "left", "right", "top"), names(k.resolve(List.of("top"))));
    }

    @Test
    void compressedModulesAreRefusedByName(@TempDir Path dir) throws Exception {
        KernelModules k = tree(dir, """
                kernel/fs/overlayfs/overlay.ko.xz:
                kernel/fs/fuse/fuse.ko.zst:
                """, null, null);
        ModuleException.CompressedModule e = assertThrows(ModuleException.CompressedModule.class, () -> k.resolve(List.of("overlay")));
        assertEquals("kernel/fs/overlayfs/overlay.ko.xz", e.path());
        assertThrows(ModuleException.CompressedModule.class, () -> k.resolve(List.of("fuse")));
    }

    @Test
    void malformedIndexesAreRejectedWithTheLine(@TempDir Path dir) throws Exception {
        ModuleException.MalformedIndex noColon = assertThrows(ModuleException.MalformedIndex.class,
                () -> tree(dir.resolve("1"), "kernel/a.ko:\nkernel/b.ko kernel/a.ko\n", null, null));
        assertEquals(2, noColon.line());
        assertEquals("modules.dep", noColon.file());
        ModuleException.MalformedIndex dangling = assertThrows(ModuleException.MalformedIndex.class,
                () -> tree(dir.resolve("2"), "kernel/a.ko: kernel/missing.ko\n", null, null));
        assertTrue(dangling.getMessage().contains("kernel/missing.ko"), dangling.getMessage());
        assertThrows(ModuleException.MalformedIndex.class, () -> tree(dir.resolve("3"), "../../etc/passwd.ko:\n", null, null));
        assertThrows(ModuleException.MalformedIndex.class, () -> tree(dir.resolve("4"), "/abs/a.ko:\n", null, null));
        assertThrows(ModuleException.MalformedIndex.class, () -> tree(dir.resolve("5"), "kernel/a.ko:\n", null, "alias onlytwo\n"));
    }

    @Test
    void aTreeWithoutModulesDepIsAMissingIndex(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("lib/modules/1.2.3"));
        ModuleException.MissingIndex e = assertThrows(ModuleException.MissingIndex.class, () -> KernelModules.load(empty));
        assertEquals("1.2.3", e.kernelVersion());
        assertTrue(e.getMessage().contains("modules.dep") && e.getMessage().contains("bin/setup"), e.getMessage());
    }
}
