package dev.kapsel.sandbox.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's mount table: binds of host directories and files, the walk across mount points, and every call on host files. */
class VfsMountTest {
    @TempDir
    Path dir;
    Path image;
    Path share;
    Path outside;
    Vfs vfs;

    @BeforeEach
    void setUp() throws Exception {
        image = Files.createDirectories(dir.resolve("image"));
        Files.createDirectories(image.resolve("etc"));
        Files.writeString(image.resolve("etc/passwd"), "root:x:0:0\n");
        share = Files.createDirectories(dir.resolve("share"));
        Files.writeString(share.resolve("hello"), "from the host\n");
        Files.createDirectories(share.resolve("sub"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "TOPSECRET");
        vfs = new Vfs(image, new UpperQuota(1 << 20));
        vfs.bind("/data", HostShare.bindSource(share, false));
    }

    private Vfs.Resolved at(String path) {
        return vfs.resolve(vfs.root(), path, false);
    }

    private String read(String path) {
        OpenFile f = vfs.lookup(vfs.root(), path).open(0);
        byte[] b = new byte[4096];
        int n = f.read(b, b.length);
        f.close();
        return new String(b, 0, Math.max(n, 0), StandardCharsets.UTF_8);
    }

    private void write(String path, byte[] content) {
        Vfs.Resolved r = at(path);
        Node n = r.node() == null ? vfs.createFile(r, 0640) : vfs.forWriting(r);
        OpenFile f = n.open(1 | 01000);
        assertEquals(content.length, f.write(content, 0, content.length));
        f.close();
    }

    private static void errno(int expected, Executable e) {
        ErrnoException x = assertThrows(ErrnoException.class, e);
        assertEquals(Errno.name(expected), Errno.name(x.errno()));
    }

    @Test
    void readsAndWritesHostFilesWithTheSameBytes() throws Exception {
        assertEquals("from the host\n", read("/data/hello"));
        byte[] content = new byte[200_000];
        new java.util.Random(7).nextBytes(content);
        write("/data/sub/new.bin", content);
        assertArrayEquals(content, Files.readAllBytes(share.resolve("sub/new.bin")));
        assertEquals("640", Integer.toOctalString(vfs.lookup(vfs.root(), "/data/sub/new.bin").stat().mode() & 0777));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(share.resolve("sub/new.bin"))));
        Files.writeString(share.resolve("hello"), "changed on the host\n");
        assertEquals("changed on the host\n", read("/data/hello")); // nothing cached
    }

    @Test
    void mkdirRenameUnlinkRmdirSymlinkAndLinkHappenOnTheHost() throws Exception {
        vfs.mkdir(at("/data/d"), 0750);
        assertTrue(Files.isDirectory(share.resolve("d")));
        write("/data/d/f", "x".getBytes());
        vfs.rename(at("/data/d/f"), at("/data/g"), false);
        assertFalse(Files.exists(share.resolve("d/f")));
        assertEquals("x", Files.readString(share.resolve("g")));
        vfs.link(at("/data/g"), at("/data/g2"));
        assertEquals(2, Files.getAttribute(share.resolve("g"), "unix:nlink"));
        vfs.symlink(at("/data/l"), "sub/../hello");
        assertEquals("sub/../hello", Files.readSymbolicLink(share.resolve("l")).toString());
        assertEquals("from the host\n", read("/data/l")); // an in-share link is followed, in the sandbox
        vfs.unlink(at("/data/g"), false);
        assertFalse(Files.exists(share.resolve("g")));
        errno(Errno.EBUSY, () -> vfs.unlink(at("/data/sub/.."), true)); // "/data/sub/.." names /data itself
        write("/data/sub/keep", "k".getBytes());
        errno(Errno.ENOTEMPTY, () -> vfs.unlink(at("/data/sub"), true)); // the host decides, on what is there now
        errno(Errno.EISDIR, () -> vfs.unlink(at("/data/sub"), false));
        vfs.unlink(at("/data/d"), true);
        assertFalse(Files.exists(share.resolve("d")));
        errno(Errno.ENOENT, () -> vfs.unlink(at("/data/d"), true));
        errno(Errno.EEXIST, () -> vfs.mkdir(at("/data/sub"), 0755));
    }

    @Test
    void metadataCallsReachTheHostFile() throws Exception {
        HostNode f = (HostNode) vfs.lookup(vfs.root(), "/data/hello");
        f.chmod(0600);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(share.resolve("hello"))));
        f.utimes(new long[] {1_000_000, 0, 2_000_000, 5});
        assertEquals(2_000_000L, Files.getLastModifiedTime(share.resolve("hello")).toMillis() / 1000);
        assertEquals(2_000_000L, ((Node) f).stat().mtimeSec());
        f.chown(0, 0);
        OpenFile h = vfs.forWriting(at("/data/hello")).open(2);
        ((RegularHandle) h).truncate(4);
        h.close();
        assertEquals("from", Files.readString(share.resolve("hello")));
    }

    @Test
    void listsHostEntriesWithTheirTypes() throws Exception {
        Files.createSymbolicLink(share.resolve("ln"), Path.of("hello"));
        DirectoryHandle d = (DirectoryHandle) vfs.lookup(vfs.root(), "/data").open(0);
        byte[] out = d.getdents(4096);
        List<String> names = new java.util.ArrayList<>();
        for (int at = 0; at < out.length; ) {
            int reclen = (out[at + 16] & 0xff) | (out[at + 17] & 0xff) << 8;
            int end = at + 19;
            while (out[end] != 0) {
                end++;
            }
            names.add(new String(out, at + 19, end - at - 19, StandardCharsets.UTF_8) + ":" + out[at + 18]);
            at += reclen;
        }
        names.sort(null);
        assertEquals(List.of("..:4", ".:4", "hello:8", "ln:10", "sub:4"), names);
    }

    @Test
    void dotDotAtAMountRootGoesToTheParentMount() {
        assertEquals("root:x:0:0\n", read("/data/../etc/passwd"));
        assertEquals("root:x:0:0\n", read("/data/sub/../../etc/passwd"));
        Vfs.Resolved r = vfs.resolve(vfs.root(), "/data/sub/..", true);
        assertEquals("/data", r.location().path());
        assertEquals("/", vfs.resolve(r.location(), "..", true).location().path());
        assertInstanceOf(HostDirectory.class, vfs.lookup(vfs.root(), "/data"));
    }

    @Test
    void symlinksInTheShareResolveInTheSandboxNotOnTheHost() throws Exception {
        Files.createSymbolicLink(share.resolve("abs"), outside.resolve("secret"));
        Files.createSymbolicLink(share.resolve("rel"), Path.of("../outside/secret"));
        Files.createSymbolicLink(share.resolve("etc"), Path.of("/etc"));
        errno(Errno.ENOENT, () -> vfs.lookup(vfs.root(), "/data/abs"));
        errno(Errno.ENOENT, () -> vfs.lookup(vfs.root(), "/data/rel"));
        assertEquals("root:x:0:0\n", read("/data/etc/passwd")); // the sandbox's /etc, not the host's
        // creating through a link to outside creates inside the sandbox's view, never on the host outside
        Files.createSymbolicLink(share.resolve("out"), outside);
        errno(Errno.ENOENT, () -> vfs.createFile(at("/data/out/x"), 0644));
        assertEquals(List.of("secret"), List.of(outside.toFile().list()));
    }

    @Test
    void aDirectorySwappedForALinkOutOfTheShareBetweenCallsLeadsNowhereOutside() throws Exception {
        Files.writeString(share.resolve("sub/inside"), "inside");
        Location held = vfs.resolve(vfs.root(), "/data/sub", true).location(); // the program's cwd
        Files.move(share.resolve("sub"), share.resolve("aside"));
        Files.createSymbolicLink(share.resolve("sub"), outside);
        errno(Errno.ENOENT, () -> vfs.lookup(vfs.root(), "/data/sub/secret")); // the link's text means nothing in the sandbox
        errno(Errno.ENOENT, () -> vfs.createFile(at("/data/sub/planted"), 0644));
        assertEquals("inside", read("/data/aside/inside"));
        OpenFile f = vfs.createFile(vfs.resolve(held, "planted", false), 0644).open(1); // the held handle is the directory, now aside
        f.write("p".getBytes(), 0, 1);
        f.close();
        assertEquals("p", Files.readString(share.resolve("aside/planted")));
        byte[] b = new byte[16];
        int n = vfs.lookup(held, "inside").open(0).read(b, b.length);
        assertEquals("inside", new String(b, 0, n, StandardCharsets.UTF_8));
        assertEquals("/data", vfs.resolve(held, "..", true).location().path());
        assertEquals(List.of("secret"), List.of(outside.toFile().list()));
    }

    @Test
    void aReadOnlyShareRefusesEveryChange() throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.writeString(ro.resolve("f"), "keep");
        Files.createDirectories(ro.resolve("d"));
        vfs.bind("/ro", HostShare.bindSource(ro, true));
        assertEquals("keep", read("/ro/f"));
        Node f = vfs.lookup(vfs.root(), "/ro/f");
        errno(Errno.EROFS, () -> f.open(1));
        errno(Errno.EROFS, () -> f.open(2));
        errno(Errno.EROFS, () -> f.open(01000));
        errno(Errno.EROFS, () -> vfs.createFile(at("/ro/new"), 0644));
        errno(Errno.EROFS, () -> vfs.mkdir(at("/ro/new"), 0755));
        errno(Errno.EROFS, () -> vfs.unlink(at("/ro/f"), false));
        errno(Errno.EROFS, () -> vfs.unlink(at("/ro/d"), true));
        errno(Errno.EROFS, () -> vfs.rename(at("/ro/f"), at("/ro/g"), false));
        errno(Errno.EROFS, () -> vfs.symlink(at("/ro/l"), "f"));
        errno(Errno.EROFS, () -> vfs.link(at("/ro/f"), at("/ro/h")));
        errno(Errno.EROFS, () -> ((HostNode) f).chmod(0777));
        errno(Errno.EROFS, () -> ((HostNode) f).chown(1, 1));
        errno(Errno.EROFS, () -> ((HostNode) f).utimes(new long[] {0, 0, 0, 0}));
        errno(Errno.EROFS, () -> ((HostNode) vfs.lookup(vfs.root(), "/ro/d")).chmod(0777));
        assertEquals("keep", Files.readString(ro.resolve("f")));
        assertEquals(List.of("d", "f"), java.util.Arrays.stream(ro.toFile().list()).sorted().toList());
    }

    @Test
    void renamesAndLinksAcrossMountsFailWithExdevAndMountPointsAreBusy() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        vfs.bind("/other", HostShare.bindSource(other, false));
        errno(Errno.EXDEV, () -> vfs.rename(at("/data/hello"), at("/other/hello"), false));
        errno(Errno.EXDEV, () -> vfs.rename(at("/data/hello"), at("/etc/hello"), false));
        errno(Errno.EXDEV, () -> vfs.rename(at("/etc/passwd"), at("/data/passwd"), false));
        errno(Errno.EXDEV, () -> vfs.link(at("/data/hello"), at("/other/hello")));
        errno(Errno.EXDEV, () -> vfs.link(at("/etc/passwd"), at("/data/passwd")));
        errno(Errno.EBUSY, () -> vfs.unlink(at("/data"), true));
        errno(Errno.EBUSY, () -> vfs.rename(at("/data"), at("/moved"), false));
        errno(Errno.EBUSY, () -> vfs.rename(at("/etc"), at("/data"), false));
        assertTrue(Files.exists(share.resolve("hello")));
        assertEquals(List.of(), List.of(other.toFile().list()));
    }

    @Test
    void mountsNestInsideSharesAndFilesBindToo() throws Exception {
        Path inner = Files.createDirectories(dir.resolve("inner"));
        Files.writeString(inner.resolve("i"), "inner");
        vfs.bind("/data/sub/deeper/in", HostShare.bindSource(inner, false));
        assertTrue(Files.isDirectory(share.resolve("sub/deeper/in"))); // the mount point, made in the share
        assertEquals("inner", read("/data/sub/deeper/in/i"));
        assertEquals("/data/sub/deeper", vfs.resolve(vfs.root(), "/data/sub/deeper/in/..", true).location().path());
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        vfs.bind("/etc/hosts", HostShare.bindSource(hosts, false));
        assertEquals("127.0.0.1 localhost\n", read("/etc/hosts"));
        write("/etc/hosts", "10.0.0.1 x\n".getBytes());
        assertEquals("10.0.0.1 x\n", Files.readString(hosts)); // a bound file is the host's file
        errno(Errno.EBUSY, () -> vfs.unlink(at("/etc/hosts"), false));
        errno(Errno.ENOTDIR, () -> vfs.bind("/etc/passwd", HostShare.bindSource(inner, false)));
    }

    @Test
    void aWriteThroughRootIsTheHostDirectory() throws Exception {
        Vfs through = Vfs.writeThrough(HostShare.open(image, false), new UpperQuota(1 << 20));
        through.mount("proc", new SyntheticDirectory(java.util.LinkedHashMap::new));
        Vfs.Resolved r = through.resolve(through.root(), "/etc/written", false);
        OpenFile f = through.createFile(r, 0644).open(1);
        f.write("w".getBytes(), 0, 1);
        f.close();
        assertEquals("w", Files.readString(image.resolve("etc/written")));
        assertInstanceOf(SyntheticDirectory.class, through.lookup(through.root(), "/proc"));
        assertFalse(Files.exists(image.resolve("proc"), LinkOption.NOFOLLOW_LINKS)); // /proc is the sandbox's, not made on the host
        assertEquals("/", through.resolve(through.root(), "/../..", true).location().path());
        assertNull(through.resolve(through.root(), "/../../share", false).node());
    }

    @Test
    void aMappingReadsTheFileAfterItsLastClose() throws Exception {
        RegularHandle h = (RegularHandle) vfs.lookup(vfs.root(), "/data/hello").open(0);
        h.pinForMapping();
        h.close();
        byte[] b = new byte[4];
        assertEquals(4, h.pread(b, 4, 0));
        assertEquals("from", new String(b, StandardCharsets.UTF_8));
    }
}
