package dev.kapsel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest initramfs built from the cached Debian kernel, read back with GNU cpio and busybox. */
class GuestInitramfsTest {
    private static String sh(Path dir, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
        assertEquals(0, p.exitValue(), command + "\n" + out);
        return out;
    }

    private static GuestInitramfs blockAndNet() throws Exception {
        return GuestInitramfs.forKernel(KernelModules.load(DebianKernelModulesTest.moduleTree()))
                .features(Set.of(GuestFeature.BLOCK, GuestFeature.NET))
                .script("echo hello\n")
                .build();
    }

    @Test
    void theArchiveHoldsInitBusyboxAndTheModulesInLoadOrder(@TempDir Path dir) throws Exception {
        GuestInitramfs g = blockAndNet();
        Path image = g.cachedIn(dir);
        List<String> listing = sh(dir, "gzip -dc " + image + " | cpio -t --quiet").lines().toList();
        String prefix = "lib/modules/" + g.kernelVersion() + "/";
        for (String path : List.of("init", "bin/busybox", "dev/console", GuestInitramfs.MODULE_LIST, GuestInitramfs.SCRIPT,
                GuestInitramfs.KERNEL_VERSION, prefix + "kernel/drivers/virtio/virtio_mmio.ko",
                prefix + "kernel/drivers/block/virtio_blk.ko", prefix + "kernel/drivers/net/virtio_net.ko",
                prefix + "kernel/drivers/virtio/virtio_ring.ko")) {
            assertTrue(listing.contains(path), path + " missing from " + listing);
        }
        Path out = Files.createDirectory(dir.resolve("out"));
        sh(out, "gzip -dc " + image + " | cpio -id --quiet");
        List<String> order = Files.readAllLines(out.resolve(GuestInitramfs.MODULE_LIST));
        assertEquals(g.modules().stream().map(m -> prefix + m.path()).toList(), order);
        assertTrue(order.indexOf(prefix + "kernel/drivers/virtio/virtio_ring.ko")
                < order.indexOf(prefix + "kernel/drivers/block/virtio_blk.ko"), order.toString());
        for (String ko : order) {
            assertEquals(-1, Files.mismatch(out.resolve(ko), DebianKernelModulesTest.moduleTree().resolve(ko.substring(prefix.length()))), ko);
        }
        assertEquals(g.kernelVersion() + "\n", Files.readString(out.resolve(GuestInitramfs.KERNEL_VERSION)));
        assertEquals("echo hello\n", Files.readString(out.resolve(GuestInitramfs.SCRIPT)));
        assertTrue(Files.isExecutable(out.resolve("init")));
    }

    @Test
    void initIsValidBusyboxShell(@TempDir Path dir) throws Exception {
        Path image = blockAndNet().cachedIn(dir);
        Path out = Files.createDirectory(dir.resolve("out"));
        sh(out, "gzip -dc " + image + " | cpio -id --quiet init");
        String init = Files.readString(out.resolve("init"));
        assertTrue(init.startsWith("#!/bin/busybox sh\n"), init);
        assertTrue(init.contains("switch_root") && init.contains("insmod"), init);
        sh(out, BusyboxInitramfs.BUSYBOX + " sh -n init");
    }

    @Test
    void aSecondBuildReusesTheCachedFile(@TempDir Path dir) throws Exception {
        Path first = blockAndNet().cachedIn(dir);
        FileTime written = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, written);
        Path second = blockAndNet().cachedIn(dir);
        assertEquals(first, second);
        assertEquals(written, Files.getLastModifiedTime(second));
        assertTrue(first.getFileName().toString().matches("\\Q" + blockAndNet().kernelVersion() + "\\E-[0-9a-f]{16}\\.cpio\\.gz"),
                first.getFileName().toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(first), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void differentInputsGetDifferentCacheFiles(@TempDir Path dir) throws Exception {
        KernelModules k = KernelModules.load(DebianKernelModulesTest.moduleTree());
        Path block = GuestInitramfs.forKernel(k).feature(GuestFeature.BLOCK).build().cachedIn(dir);
        Path vsock = GuestInitramfs.forKernel(k).feature(GuestFeature.VSOCK).build().cachedIn(dir);
        Path script = GuestInitramfs.forKernel(k).feature(GuestFeature.BLOCK).script("true\n").build().cachedIn(dir);
        assertEquals(3, Set.of(block, vsock, script).size());
    }

    /** The path a user gets by naming only features: built once into the state directory, then reused. */
    @Test
    void theDefaultKernelsImageLivesInTheStateDirectory() throws Exception {
        Path first = GuestInitramfs.forDefaultKernel(Set.of(GuestFeature.BLOCK));
        Path dir = dev.kapsel.host.StateDirectory.resolve().resolve("initramfs");
        assertEquals(dir, first.getParent());
        assertTrue(first.getFileName().toString().startsWith(DebianKernelModulesTest.moduleTree().getFileName() + "-"), first.toString());
        FileTime written = Files.getLastModifiedTime(first);
        assertEquals(first, GuestInitramfs.forDefaultKernel(Set.of(GuestFeature.BLOCK)));
        assertEquals(written, Files.getLastModifiedTime(first));
        assertTrue(Files.size(first) > 0);
    }

    /** A changed module file (same name, same kernel version) must not reuse the old image. */
    @Test
    void aChangedModuleFileChangesTheCacheName(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("lib/modules/1.0-test"));
        Files.writeString(tree.resolve("modules.dep"), "kernel/a.ko:\n");
        Files.createDirectories(tree.resolve("kernel"));
        Files.writeString(tree.resolve("kernel/a.ko"), "first");
        GuestInitramfs g = GuestInitramfs.forKernel(KernelModules.load(tree)).modules(List.of("a")).build();
        String before = g.cacheName();
        Files.writeString(tree.resolve("kernel/a.ko"), "second");
        assertNotEquals(before, g.cacheName());
    }

    /** The key names files by identity, not bytes: an untouched file keeps it, a same-size rewrite changes it. */
    @Test
    void theCacheNameFollowsFileIdentityNotJustSize(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("lib/modules/1.0-test"));
        Files.writeString(tree.resolve("modules.dep"), "kernel/a.ko:\n");
        Files.createDirectories(tree.resolve("kernel"));
        Path module = tree.resolve("kernel/a.ko");
        Files.writeString(module, "aaaa");
        Files.setLastModifiedTime(module, FileTime.fromMillis(1_000_000));
        GuestInitramfs g = GuestInitramfs.forKernel(KernelModules.load(tree)).modules(List.of("a")).build();
        String before = g.cacheName();
        assertEquals(before, g.cacheName());
        Files.writeString(module, "bbbb");
        Files.setLastModifiedTime(module, FileTime.fromMillis(2_000_000));
        assertNotEquals(before, g.cacheName());
    }
}
