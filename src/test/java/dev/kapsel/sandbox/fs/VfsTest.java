package dev.kapsel.sandbox.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path resolution inside the sandbox root, like an attacker would try it, and the overlay's copy-up and whiteouts. */
class VfsTest {
    @TempDir
    Path dir;
    Path root;
    Path secret;
    Vfs vfs;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        secret = Files.writeString(dir.resolve("secret"), "TOPSECRET");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0\n");
        Files.createSymbolicLink(root.resolve("abs"), secret.toAbsolutePath());
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../secret"));
        Files.createSymbolicLink(root.resolve("etc/up"), Path.of("../../../.."));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("passwd-link"), Path.of("etc/up/etc/passwd"));
        vfs = new Vfs(root, new UpperQuota(1 << 20));
    }

    private String read(String path) {
        Node n = vfs.lookup(vfs.root(), path);
        OpenFile f = n.open(0);
        byte[] b = new byte[100];
        int k = f.read(b, b.length);
        return new String(b, 0, Math.max(k, 0), StandardCharsets.UTF_8);
    }

    @Test
    void dotDotStopsAtTheRoot() {
        assertEquals("root:x:0:0\n", read("/../../../../etc/passwd"));
        assertEquals("root:x:0:0\n", read("../../etc/../etc/./passwd"));
        Vfs.Resolved r = vfs.resolve(vfs.root(), "/etc/../..", true);
        assertEquals("/", r.location().path());
    }

    @Test
    void linksResolveInTheSandboxView() {
        assertThrows(ErrnoException.class, () -> vfs.lookup(vfs.root(), "/abs"));    // host path does not exist inside
        assertThrows(ErrnoException.class, () -> vfs.lookup(vfs.root(), "/rel"));    // ../secret clamps to /secret
        assertEquals("root:x:0:0\n", read("/passwd-link"));                          // links inside links, .. clamped
        assertEquals("root:x:0:0\n", read("/etc/up/etc/up/etc/passwd"));
        assertEquals("/", vfs.resolve(vfs.root(), "/etc/up", true).location().path());
    }

    @Test
    void linkLoopsAndLongNamesFail() {
        ErrnoException loop = assertThrows(ErrnoException.class, () -> vfs.lookup(vfs.root(), "/loop"));
        assertEquals(Errno.ELOOP, loop.errno());
        ErrnoException longName = assertThrows(ErrnoException.class, () -> vfs.lookup(vfs.root(), "/" + "x".repeat(300)));
        assertEquals(Errno.ENAMETOOLONG, longName.errno());
        ErrnoException deep = assertThrows(ErrnoException.class, () -> vfs.lookup(vfs.root(), "/etc/passwd/x"));
        assertEquals(Errno.ENOTDIR, deep.errno());
    }

    @Test
    void noResolvedNodeIsAHostFileOutsideTheRoot() throws Exception {
        for (String p : new String[] {"/abs", "/rel", "/etc/up/secret", "/etc/up/../secret", "/passwd-link/../../secret"}) {
            try {
                Node n = vfs.lookup(vfs.root(), p);
                assertFalse(n instanceof HostFile h && !h.hostPath().startsWith(root.toAbsolutePath()), p);
            } catch (ErrnoException e) {
                assertTrue(e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR, p + ": " + e.errno());
            }
        }
    }

    @Test
    void writesCopyUpAndRemovalsHideLowerFiles() throws Exception {
        Vfs.Resolved r = vfs.resolve(vfs.root(), "/etc/passwd", true);
        Node upper = vfs.forWriting(r);
        assertInstanceOf(MemoryFile.class, upper);
        OpenFile f = upper.open(1 | RegularHandle.O_APPEND);
        f.write("guest\n".getBytes(StandardCharsets.UTF_8), 0, 6);
        assertEquals("root:x:0:0\nguest\n", read("/etc/passwd"));
        assertEquals("root:x:0:0\n", Files.readString(root.resolve("etc/passwd")));
        vfs.unlink(vfs.resolve(vfs.root(), "/etc/passwd", false), false);
        assertNull(vfs.resolve(vfs.root(), "/etc/passwd", false).node());
        assertFalse(((Directory) vfs.lookup(vfs.root(), "/etc")).list().contains("passwd"));
        assertTrue(Files.exists(root.resolve("etc/passwd")));
    }

    @Test
    void theUpperLayerHasAQuota() {
        Vfs small = new Vfs(root, new UpperQuota(1000));
        Vfs.Resolved r = small.resolve(small.root(), "/big", true);
        MemoryFile f = (MemoryFile) small.createFile(r, 0644);
        ErrnoException full = assertThrows(ErrnoException.class, () -> f.write(0, new byte[5000], 0, 5000));
        assertEquals(Errno.ENOSPC, full.errno());
    }
}
