package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optional check against a real distribution kernel: if a Debian linux-image .deb is in /tmp/k, its
 * bzImage is extracted with dpkg-deb and loaded. Skipped otherwise; the synthetic images are the main proof.
 */
class DebianKernelTest {
    @TempDir
    Path dir;

    private static Optional<Path> debianPackage() throws IOException {
        Path k = Path.of("/tmp/k");
        if (!Files.isDirectory(k)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(k, "linux-image-[0-9]*.deb")) {
            for (Path p : s) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Test
    void loadsRealBzImage() throws Exception {
        Optional<Path> deb = debianPackage();
        Assumptions.assumeTrue(deb.isPresent(), "no Debian kernel package in /tmp/k");
        Process p = new ProcessBuilder("dpkg-deb", "-x", deb.get().toString(), dir.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        Assumptions.assumeTrue(p.waitFor() == 0, "dpkg-deb failed");
        Path vmlinuz;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve("boot"), "vmlinuz-*")) {
            vmlinuz = s.iterator().next();
        }
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 256L << 20);
            LoadedKernel k = KernelLoader.load(vmlinuz, m);
            assertEquals(KernelFormat.BZIMAGE, k.format());
            assertEquals(Layout.HIMEM_START + 0x200, k.entry());
            SetupHeader h = k.setupHeader().orElseThrow();
            assertTrue(h.version() >= 0x020c, h.toString());
            assertEquals(1, h.xloadflags() & 1);
            assertTrue(h.initSize() > Files.size(vmlinuz), "decompressed kernel needs more than the file");
            assertTrue(k.reservedEnd() >= 0x1000000 + h.initSize());
            KernelCmdline line = KernelCmdline.forKernel(k).append("console=ttyS0 panic=1");
            line.writeTo(m);
            long initrd = InitrdPlacement.place("initrd", m, k, 1 << 20);
            assertTrue(initrd >= k.reservedEnd());
            new ZeroPage(k).cmdline(line).e820(E820Map.forMemory(m)).writeTo(m);
            ByteBuffer zp = ByteBuffer.wrap(m.read(Layout.ZERO_PAGE, 4096)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x53726448, zp.getInt(0x202));
            assertEquals(h.version(), zp.getShort(0x206));
        }
    }
}
