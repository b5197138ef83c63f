package dev.kapsel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {
    /** The archive is read back by GNU cpio, an independent reader, as the kernel would unpack it. */
    @Test
    void gnuCpioExtractsFilesLinksAndParents(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("initrd.cpio.gz");
        new Initramfs()
                .file("/init", 0755, "#!/bin/sh\necho hi\n")
                .file("etc/deep/config", 0644, "x=1\n")
                .symlink("bin/sh", "busybox")
                .writeTo(archive);
        Path out = Files.createDirectory(dir.resolve("out"));
        Process p = new ProcessBuilder("sh", "-c", "gzip -dc " + archive + " | cpio -id --quiet")
                .directory(out.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        assertEquals("#!/bin/sh\necho hi\n", Files.readString(out.resolve("init")));
        assertTrue(Files.isExecutable(out.resolve("init")));
        assertEquals("x=1\n", Files.readString(out.resolve("etc/deep/config")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(out.resolve("bin/sh")));
    }

    @Test
    void listsDeviceNodesWithTheirNumbers(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("initrd.cpio.gz");
        new Initramfs().standardDevices().writeTo(archive);
        Process p = new ProcessBuilder("sh", "-c", "gzip -dc " + archive + " | cpio -tv --quiet").redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(listing.matches("(?s).*crw-------.*5,\\s*1.*dev/console.*"), listing);
        assertTrue(listing.matches("(?s).*crw-rw-rw-.*1,\\s*3.*dev/null.*"), listing);
    }

    @Test
    void rejectsDotDotAndDuplicates() {
        assertThrows(IllegalArgumentException.class, () -> new Initramfs().file("../etc/passwd", 0644, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Initramfs().file("a", 0644, "x").file("/a", 0644, "y"));
    }
}
