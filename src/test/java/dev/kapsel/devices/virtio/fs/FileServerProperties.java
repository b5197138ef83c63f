package dev.kapsel.devices.virtio.fs;

import static dev.kapsel.devices.virtio.fs.FuseAbi.*;
import static dev.kapsel.devices.virtio.fs.GuestFuse.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.devices.virtio.fs.GuestFuse.Reply;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile requests against a share with a secret beside it: random and malformed headers, forged
 * node ids and handles, escape names, symlinks out of the share and swapped under a name, huge
 * lengths. Whatever arrives, the server answers without throwing, the files outside the share are
 * unchanged and were never read into a reply, and the inode and handle tables stay within their bounds.
 */
class FileServerProperties {
    static final String SECRET = "secret-outside-the-share";
    private static final int MAX_INODES = 16;
    private static final int MAX_OPEN = 8;

    /** A fresh world: base/outside/secret, base/share/{file, sub/, up -> ../outside, abs -> /etc, swap}. */
    static Path world() throws IOException {
        Path base = Files.createTempDirectory("fsprop");
        Path outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("secret"), SECRET);
        Path share = Files.createDirectory(base.resolve("share"));
        Files.writeString(share.resolve("file"), "inside");
        Files.createDirectory(share.resolve("sub"));
        Files.createSymbolicLink(share.resolve("up"), Path.of("../outside"));
        Files.createSymbolicLink(share.resolve("abs"), outside);
        Files.createDirectory(share.resolve("swap"));
        return base;
    }

    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                files.put(dir.relativize(p).toString(), Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(p) + "|" + Files.getAttribute(p, "unix:mode") + "|" + Files.getAttribute(p, "unix:uid") : "dir");
            }
        }
        return files;
    }

    static void delete(Path base) throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.of("..", ".", "", "/", "../outside", "../outside/secret", "/etc/passwd", "up", "abs",
                        "swap", "file", "sub", "a/b", "x".repeat(300), "secret", "up/secret", "new"),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(12).withChars("ab./\u00e9"));
    }

    @Provide
    Arbitrary<Long> nodeIds() {
        return Arbitraries.oneOf(Arbitraries.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, -1L, Long.MAX_VALUE), Arbitraries.longs());
    }

    record Op(int opcode, long node, String name, String name2, long number, int flags) {}

    @Provide
    Arbitrary<Op> ops() {
        Arbitrary<Integer> opcodes = Arbitraries.oneOf(Arbitraries.integers().between(0, 50),
                Arbitraries.of(FUSE_LOOKUP, FUSE_LOOKUP, FUSE_OPEN, FUSE_CREATE, FUSE_MKDIR, FUSE_SYMLINK, FUSE_LINK,
                        FUSE_RENAME, FUSE_READ, FUSE_WRITE, FUSE_READDIRPLUS, FUSE_OPENDIR, FUSE_READLINK, FUSE_UNLINK,
                        FUSE_SETATTR, FUSE_GETXATTR, FUSE_FORGET));
        return Combinators.combine(opcodes, nodeIds(), names(), names(), nodeIds(), Arbitraries.integers())
                .as(Op::new);
    }

    /** A structurally plausible request for {@code op}: right argument layout, hostile values. */
    private static Reply send(GuestFuse fuse, Op op) {
        GuestFuse.Args a = args();
        switch (op.opcode) {
            case FUSE_LOOKUP, FUSE_UNLINK, FUSE_RMDIR -> a.name(op.name);
            case FUSE_CREATE -> a.u32(op.flags | Libc.O_CREAT).u32(0100644).u32(0).u32(0).name(op.name);
            case FUSE_MKDIR -> a.u32(0755).u32(0).name(op.name);
            case FUSE_SYMLINK -> a.name(op.name).name(op.name2);
            case FUSE_LINK -> a.u64(op.number).name(op.name);
            case FUSE_RENAME -> a.u64(op.number).name(op.name).name(op.name2);
            case FUSE_OPEN, FUSE_OPENDIR -> a.u32(op.flags).u32(0);
            case FUSE_READ, FUSE_READDIR, FUSE_READDIRPLUS -> a.u64(op.number).u64(op.flags).u32(op.flags).u32(0).u64(0).u32(0).u32(0);
            case FUSE_WRITE -> {
                return fuse.write(op.number, op.flags & 0xffff, new byte[op.flags & 0xff]);
            }
            case FUSE_SETATTR -> a.u32(op.flags).u32(0).u64(op.number).u64(op.number & 0xffff).zeros(64);
            case FUSE_GETXATTR -> a.u32(op.flags).u32(0).name(op.name);
            case FUSE_FORGET -> {
                fuse.forget(op.node, op.number);
                return null;
            }
            default -> a.bytes(op.name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).u64(op.number).u32(op.flags);
        }
        return fuse.call(op.opcode, op.node, a);
    }

    @Property(tries = 60)
    void hostileRequestsNeverReachOutsideTheShareNorGrowTheTables(@ForAll @Size(min = 1, max = 40) List<@net.jqwik.api.From("ops") Op> ops,
                                                                   @ForAll boolean readOnly) throws Exception {
        Path base = world();
        Path share = base.resolve("share");
        Map<String, String> outsideBefore = snapshot(base.resolve("outside"));
        Map<String, String> shareBefore = snapshot(share);
        try (FileServer server = FileServer.open(share.toString(), readOnly, MAX_INODES, MAX_OPEN)) {
            GuestFuse fuse = new GuestFuse(server);
            fuse.init();
            int swaps = 0;
            for (Op op : ops) {
                // swap the directory "swap" for a symlink out of the share (and back) under the server's feet
                if (swaps++ % 5 == 4 && !readOnly) {
                    Path swap = share.resolve("swap");
                    if (Files.isSymbolicLink(swap)) {
                        Files.delete(swap);
                        Files.createDirectory(swap);
                    } else if (Files.isDirectory(swap, LinkOption.NOFOLLOW_LINKS)) {
                        delete(swap);
                        Files.createSymbolicLink(swap, base.resolve("outside"));
                    }
                }
                Reply r = send(fuse, op);
                if (r != null && r.error() == 0) {
                    assertTrue(!r.text().contains(SECRET), "a reply carried the secret: " + op);
                }
                assertTrue(server.inodeCount() <= MAX_INODES, "inodes " + server.inodeCount());
                assertTrue(server.openCount() <= MAX_OPEN, "open " + server.openCount());
            }
            assertTrue(fuse.warnings.isEmpty(), fuse.warnings.toString());
        }
        assertEquals(outsideBefore, snapshot(base.resolve("outside")), "outside the share");
        if (readOnly) {
            assertEquals(shareBefore, snapshot(share), "a read-only share");
        }
        assertTrue(Files.list(base).count() == 2, "nothing created beside the share");
        delete(base);
    }

    @Property(tries = 200)
    void randomBytesAreAnsweredOrDroppedNeverThrown(@ForAll @Size(max = 200) byte[] body,
                                                    @ForAll @IntRange(min = 0, max = 60) int opcode,
                                                    @ForAll long nodeId, @ForAll int lenDelta,
                                                    @ForAll @IntRange(min = 0, max = 300) int room) throws Exception {
        Path base = world();
        try (FileServer server = FileServer.open(base.resolve("share").toString(), false, MAX_INODES, MAX_OPEN)) {
            GuestFuse fuse = new GuestFuse(server);
            fuse.init();
            byte[] raw = new byte[IN_HEADER_SIZE + body.length];
            int len = (lenDelta & 1) == 0 ? raw.length : lenDelta;
            System.arraycopy(GuestFuse.header(len, opcode, 5, nodeId, 0, 0), 0, raw, 0, IN_HEADER_SIZE);
            System.arraycopy(body, 0, raw, IN_HEADER_SIZE, body.length);
            Reply r = fuse.raw(raw, room);
            if (r != null) {
                assertTrue(room >= OUT_HEADER_SIZE);
                assertEquals(5, r.unique());
                assertTrue(r.body().length <= room - OUT_HEADER_SIZE);
            }
            assertTrue(server.inodeCount() <= MAX_INODES);
            assertTrue(fuse.warnings.isEmpty(), fuse.warnings.toString());
        }
        assertEquals(SECRET, Files.readString(base.resolve("outside/secret")));
        delete(base);
    }

    @Property(tries = 20)
    void escapeNamesAreRefusedAndLinksAreNotFollowed(@ForAll("escapes") String name) throws Exception {
        Path base = world();
        try (FileServer server = FileServer.open(base.resolve("share").toString(), false, MAX_INODES, MAX_OPEN)) {
            GuestFuse fuse = new GuestFuse(server);
            fuse.init();
            Reply r = fuse.call(FUSE_LOOKUP, FUSE_ROOT_ID, args().name(name));
            if (name.equals("up") || name.equals("abs")) {
                assertEquals(0, r.error());
                assertEquals(0120000, r.u32(ENTRY_OUT_ATTR + 60) & 0170000, "the link itself, not its target");
                long link = r.u64(0);
                assertEquals(Errno.ENOTDIR, fuse.call(FUSE_LOOKUP, link, args().name("secret")).error());
                assertNotEquals(0, fuse.call(FUSE_OPEN, link, args().u32(Libc.O_RDONLY).u32(0)).error());
                assertNotEquals(0, fuse.call(FUSE_CREATE, link, args().u32(Libc.O_RDWR).u32(0100644).u32(0).u32(0).name("x")).error());
            } else {
                assertNotEquals(0, r.error(), name);
            }
        }
        assertEquals(List.of("secret"), Files.list(base.resolve("outside")).map(p -> p.getFileName().toString()).toList());
        delete(base);
    }

    @Provide
    Arbitrary<String> escapes() {
        return Arbitraries.of("..", ".", "", "../outside", "/etc", "a/b", "up", "abs", "x".repeat(256));
    }

    @Property(tries = 5)
    void lookupsBeyondTheLimitAreRefusedWithEnfileAndForgetFreesThem(@ForAll @IntRange(min = 1, max = 10) int extra) throws Exception {
        Path base = world();
        Path share = base.resolve("share");
        for (int i = 0; i < MAX_INODES + extra; i++) {
            Files.writeString(share.resolve("f" + i), "x");
        }
        try (FileServer server = FileServer.open(share.toString(), false, MAX_INODES, MAX_OPEN)) {
            GuestFuse fuse = new GuestFuse(server);
            fuse.init();
            long first = 0;
            for (int i = 0; i < MAX_INODES + extra; i++) {
                Reply r = fuse.call(FUSE_LOOKUP, FUSE_ROOT_ID, args().name("f" + i));
                if (i < MAX_INODES - 1) {
                    assertEquals(0, r.error());
                    first = first == 0 ? r.u64(0) : first;
                } else {
                    assertEquals(Errno.ENFILE, r.error(), "lookup " + i);
                }
            }
            assertEquals(MAX_INODES, server.inodeCount());
            fuse.forget(first, 1);
            assertEquals(0, fuse.call(FUSE_LOOKUP, FUSE_ROOT_ID, args().name("f" + MAX_INODES)).error());
            // a huge READ or READDIR is cut to what the server moves at once and what the guest gave room for
            long fh = fuse.open(fuse.lookup(FUSE_ROOT_ID, "f1"), Libc.O_RDONLY);
            Reply big = fuse.read(fh, 0, -1);
            assertEquals(0, big.error());
            assertEquals(1, big.body().length);
            byte[] huge = GuestFuse.header(IN_HEADER_SIZE + FileServer.MAX_ARGS + 1, FUSE_SETXATTR, 3, 1, 0, 0);
            byte[] raw = java.util.Arrays.copyOf(huge, IN_HEADER_SIZE + FileServer.MAX_ARGS + 1);
            LittleEndian.put32(raw, 0, raw.length);
            assertEquals(Errno.E2BIG, fuse.raw(raw, 64).error());
        }
        delete(base);
    }
}
