package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Busybox in the sandbox on the host, with host directories bound in: what it writes, the host reads, byte for byte. */
class BindMountSandboxTest {
    @TempDir
    Path dir;

    private Path root() throws IOException {
        Path root = BusyboxSandboxTest.busyboxRoot(dir.resolve("root"));
        for (String applet : List.of("cp", "mv", "ln", "tar", "sha256sum", "find", "readlink", "touch", "stat", "chmod", "grep")) {
            Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
        }
        return root;
    }

    @Test
    void readsWritesRenamesRemovesAndFollowsInShareLinksAndRoIsRefused() throws Exception {
        assumeTrue(Files.isRegularFile(BusyboxSandboxTest.BUSYBOX), "busybox-static is not installed");
        Path root = root();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path ro = Files.createDirectories(dir.resolve("ro"));
        byte[] blob = new byte[300_000];
        new java.util.Random(3).nextBytes(blob);
        Files.write(data.resolve("in.bin"), blob);
        Files.writeString(data.resolve("hello"), "from the host\n");
        Files.writeString(data.resolve("rmme"), "x");
        Files.writeString(ro.resolve("kept"), "kept\n");
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withBinds(List.of(
                new SandboxConfig.Bind(data, "/data", false), new SandboxConfig.Bind(ro, "/mnt/ro", true))),
                "/bin/sh", "-c", """
                        cat /data/hello
                        cp /data/in.bin /data/out.bin && mkdir /data/d && mv /data/out.bin /data/d/moved.bin
                        rm /data/rmme && ln -s d/moved.bin /data/link && wc -c < /data/link
                        echo written > /data/d/new.txt && chmod 600 /data/d/new.txt
                        cd /data/d && cd .. && cd .. && pwd && cat /etc/hostname
                        cat /mnt/ro/kept
                        if echo no > /mnt/ro/kept; then echo WROTE; fi
                        if mkdir /mnt/ro/x; then echo MADE; fi
                        if rm /mnt/ro/kept; then echo REMOVED; fi
                        grep -c data /proc/mounts
                        """);
        assertEquals(0, r.result().exitStatus(), r.describe());
        assertEquals("fromthehost\n300000\n/\nkapsel\nkept\n1\n", r.stdout().replace(" ", ""), r.describe()); // wc pads its count
        assertTrue(r.stderr().contains("Read-only file system"), r.describe());
        assertArrayEquals(blob, Files.readAllBytes(data.resolve("d/moved.bin")));
        assertEquals("d/moved.bin", Files.readSymbolicLink(data.resolve("link")).toString());
        assertFalse(Files.exists(data.resolve("rmme")));
        assertFalse(Files.exists(data.resolve("out.bin")));
        assertEquals("written\n", Files.readString(data.resolve("d/new.txt")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("d/new.txt"))));
        assertEquals("kept\n", Files.readString(ro.resolve("kept")));
        assertEquals(List.of("kept"), List.of(ro.toFile().list()));
    }

    @Test
    void aTarOfThreeThousandFilesUnpacksIntoTheShareAndEverySumMatchesTheHost() throws Exception {
        assumeTrue(Files.isRegularFile(BusyboxSandboxTest.BUSYBOX), "busybox-static is not installed");
        Path root = root();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path staging = Files.createDirectories(dir.resolve("staging"));
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 3000; i++) {
            Path f = staging.resolve("d" + (i % 30)).resolve("f" + i);
            Files.createDirectories(f.getParent());
            byte[] b = new byte[random.nextInt(4096)];
            random.nextBytes(b);
            Files.write(f, b);
        }
        Process tar = new ProcessBuilder("tar", "-C", staging.toString(), "-cf", data.resolve("files.tar").toString(), ".")
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        GuestPrograms.Run r = GuestPrograms.run(root, false, c -> c.withBinds(List.of(new SandboxConfig.Bind(data, "/data", false))),
                "/bin/sh", "-c", "mkdir /data/out && tar -xf /data/files.tar -C /data/out && cd /data/out && find . -type f -exec sha256sum {} +");
        assertEquals(0, r.result().exitStatus(), r.describe());
        Map<String, String> inSandbox = new TreeMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] p = line.split("  ", 2);
            inSandbox.put(p[1].substring(2), p[0]);
        }
        Map<String, String> expected = sums(staging);
        assertEquals(3000, expected.size());
        assertEquals(expected, inSandbox);
        assertEquals(expected, sums(data.resolve("out")));
    }

    private static Map<String, String> sums(Path top) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(top)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                out.put(top.relativize(f).toString(), HexFormat.of().formatHex(d));
            }
        }
        return out;
    }
}
