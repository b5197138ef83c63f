package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.boot.BootProtocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which labels, annotations and urunc.json files make an image a unikernel, and how its files are found. */
class UnikernelImageTest {
    @TempDir
    Path root;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void kapselsLabelsNameKernelCmdlineInitrdAndProtocol() {
        UnikernelImage u = UnikernelImage.fromLabels(Map.of(UnikernelImage.KERNEL, "/boot/app.elf", UnikernelImage.CMDLINE,
                "netdev=off -- arg", UnikernelImage.INITRD, "/boot/app.cpio", UnikernelImage.BOOT_PROTOCOL, "PVH")).orElseThrow();
        assertEquals(new UnikernelImage("/boot/app.elf", "netdev=off -- arg", Optional.of("/boot/app.cpio"), Optional.of(BootProtocol.PVH)), u);
    }

    @Test
    void uruncsKeysAreBase64AsUruncWritesThemOrPlainAsSomePackagersDo() {
        UnikernelImage encoded = UnikernelImage.fromLabels(Map.of(UnikernelImage.URUNC_BINARY, b64("/unikernel/app"),
                UnikernelImage.URUNC_CMDLINE, b64("app -v"), "com.urunc.unikernel.unikernelType", b64("unikraft"))).orElseThrow();
        assertEquals("/unikernel/app", encoded.kernel());
        assertEquals("app -v", encoded.cmdline());
        assertEquals(Optional.empty(), encoded.initrd());
        UnikernelImage plain = UnikernelImage.fromLabels(Map.of(UnikernelImage.URUNC_BINARY, "/unikernel/hello.hvt",
                UnikernelImage.URUNC_CMDLINE, "hello")).orElseThrow();
        assertEquals("/unikernel/hello.hvt", plain.kernel());
        assertEquals("hello", plain.cmdline());
    }

    @Test
    void kapselsKeysWinAndOtherImagesAreNoUnikernel() {
        assertEquals("/mine", UnikernelImage.fromLabels(Map.of(UnikernelImage.KERNEL, "/mine", UnikernelImage.URUNC_BINARY,
                b64("/theirs"))).orElseThrow().kernel());
        assertTrue(UnikernelImage.fromLabels(Map.of("org.opencontainers.image.title", "busybox")).isEmpty());
        assertTrue(UnikernelImage.fromLabels(Map.of(UnikernelImage.KERNEL, " ")).isEmpty());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnikernelImage.fromLabels(
                Map.of(UnikernelImage.KERNEL, "/k", UnikernelImage.BOOT_PROTOCOL, "uefi")));
        assertTrue(e.getMessage().contains(UnikernelImage.BOOT_PROTOCOL) && e.getMessage().contains("uefi"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnikernelImage.fromLabels(
                Map.of(UnikernelImage.KERNEL, "/k", UnikernelImage.CMDLINE, "x".repeat(UnikernelImage.MAX_CMDLINE + 1))));
    }

    @Test
    void uruncJsonInTheRootIsTheFallback() throws Exception {
        assertTrue(UnikernelImage.find(Map.of(), root).isEmpty(), "no labels, no urunc.json");
        Files.writeString(root.resolve("urunc.json"), """
                {"com.urunc.unikernel.binary": "%s", "com.urunc.unikernel.cmdline": "%s",
                 "com.urunc.unikernel.initrd": "", "com.urunc.unikernel.hypervisor": "%s", "com.urunc.unikernel.useDMBlock": ""}
                """.formatted(b64("/k.elf"), b64("a b"), b64("qemu")));
        UnikernelImage u = UnikernelImage.find(Map.of(), root).orElseThrow();
        assertEquals("/k.elf", u.kernel());
        assertEquals("a b", u.cmdline());
        assertEquals(Optional.empty(), u.initrd());
        assertEquals("/labelled", UnikernelImage.find(Map.of(UnikernelImage.KERNEL, "/labelled"), root).orElseThrow().kernel(),
                "labels come first");
    }

    @Test
    void aBrokenOrHugeUruncJsonIsRefused() throws Exception {
        Files.writeString(root.resolve("urunc.json"), "[1, 2]");
        assertThrows(IllegalArgumentException.class, () -> UnikernelImage.fromRoot(root));
        Files.writeString(root.resolve("urunc.json"), "{not json");
        assertThrows(IllegalArgumentException.class, () -> UnikernelImage.fromRoot(root));
        Files.writeString(root.resolve("urunc.json"), "{\"a\": \"" + "x".repeat(UnikernelImage.MAX_JSON) + "\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnikernelImage.fromRoot(root));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void theKernelIsFoundInsideTheRootAndNowhereElse() throws Exception {
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/k.elf"), "kernel");
        Path outside = Files.createTempFile("outside", ".elf");
        try {
            Files.createSymbolicLink(root.resolve("boot/escape.elf"), outside);
            Files.createSymbolicLink(root.resolve("boot/inside.elf"), Path.of("k.elf"));
            Path real = root.toRealPath();
            assertEquals(real.resolve("boot/k.elf"), UnikernelImage.resolve(root, "/boot/k.elf", "kernel"));
            assertEquals(real.resolve("boot/k.elf"), UnikernelImage.resolve(root, "boot/../boot/k.elf", "kernel"));
            assertEquals(real.resolve("boot/k.elf"), UnikernelImage.resolve(root, "/../../boot/k.elf", "kernel"), "'..' stops at the root");
            assertEquals(real.resolve("boot/k.elf"), UnikernelImage.resolve(root, "/boot/inside.elf", "kernel"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnikernelImage.resolve(root, "/boot/escape.elf", "kernel"));
            assertTrue(e.getMessage().contains("outside"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> UnikernelImage.resolve(root, "/boot", "kernel"));
            assertThrows(IllegalArgumentException.class, () -> UnikernelImage.resolve(root, "/missing", "kernel"));
        } finally {
            Files.delete(outside);
        }
    }

    @Property(tries = 300)
    void anyNameResolvesInsideTheRootOrIsRefused(@ForAll String name) throws Exception {
        Path dir = Files.createTempDirectory("uk");
        try {
            Files.writeString(dir.resolve("k"), "kernel");
            try {
                Path p = UnikernelImage.resolve(dir, name, "kernel");
                assertTrue(p.startsWith(dir.toRealPath()), p.toString());
            } catch (IllegalArgumentException refused) { // InvalidPathException (a NUL) is one too
                // refused is fine; escaping is not
            }
        } finally {
            Files.delete(dir.resolve("k"));
            Files.delete(dir);
        }
    }
}
