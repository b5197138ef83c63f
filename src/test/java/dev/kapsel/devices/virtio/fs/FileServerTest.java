package dev.kapsel.devices.virtio.fs;

import static dev.kapsel.devices.virtio.fs.FuseAbi.*;
import static dev.kapsel.devices.virtio.fs.GuestFuse.args;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.devices.virtio.fs.GuestFuse.Reply;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Libc;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every opcode's happy path against a real temporary directory, through the device and a mock queue. */
class FileServerTest {
    @TempDir
    Path dir;
    private FileServer server;

    private GuestFuse mount(boolean readOnly) throws Exception {
        server = FileServer.open(dir.toString(), readOnly);
        GuestFuse fuse = new GuestFuse(server);
        Reply init = fuse.init();
        assertEquals(0, init.error());
        return fuse;
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private static void ok(Reply r) {
        assertEquals(0, r.error(), "errno");
    }

    /** The fuse_attr in a reply at {@code at}: mode. */
    private static int mode(Reply r, int at) {
        return r.u32(at + 60);
    }

    @Test
    void initNegotiatesVersionSizesAndOnlyKnownFlags() throws Exception {
        server = FileServer.open(dir.toString(), false);
        GuestFuse fuse = new GuestFuse(server);
        assertEquals(Errno.EIO, fuse.call(FUSE_GETATTR, FUSE_ROOT_ID, args().zeros(16)).error(), "before INIT");
        Reply init = fuse.init();
        ok(init);
        assertEquals(INIT_OUT_SIZE, init.body().length);
        assertEquals(7, init.u32(0));
        assertEquals(38, init.u32(4));
        assertEquals(128 * 1024, init.u32(8));
        int flags = init.u32(12);
        assertTrue((flags & FUSE_DO_READDIRPLUS) != 0 && (flags & FUSE_MAX_PAGES) != 0);
        assertEquals(0, flags & ~(FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | FUSE_AUTO_INVAL_DATA
                | FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO | FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES));
        assertEquals(FileServer.MAX_IO, init.u32(20));
        assertEquals(FileServer.MAX_IO / 4096, init.u32(28) & 0xffff);
        assertEquals(Errno.EPROTO, fuse.init().error(), "a second INIT");
        assertEquals(Errno.ENOSYS, fuse.call(39 /* IOCTL */, FUSE_ROOT_ID, args().zeros(32)).error());
    }

    @Test
    void lookupGetattrOpenReadRelease() throws Exception {
        Files.writeString(dir.resolve("hello"), "hello, guest");
        GuestFuse fuse = mount(false);
        Reply entry = fuse.call(FUSE_LOOKUP, FUSE_ROOT_ID, args().name("hello"));
        ok(entry);
        long node = entry.u64(0);
        assertTrue(node > FUSE_ROOT_ID);
        assertEquals(12, entry.u64(ENTRY_OUT_ATTR + 8), "size");
        assertEquals(Files.getAttribute(dir.resolve("hello"), "unix:ino"), entry.u64(ENTRY_OUT_ATTR));
        assertEquals(node, fuse.lookup(FUSE_ROOT_ID, "hello"), "the same inode is the same node");
        Reply attr = fuse.call(FUSE_GETATTR, node, args().zeros(16));
        ok(attr);
        assertEquals(0100000, mode(attr, ATTR_OUT_ATTR) & 0170000);
        assertEquals(Errno.ENOENT, fuse.call(FUSE_LOOKUP, FUSE_ROOT_ID, args().name("missing")).error());
        long fh = fuse.open(node, Libc.O_RDONLY);
        Reply data = fuse.read(fh, 7, 100);
        ok(data);
        assertEquals("guest", data.text());
        ok(fuse.call(FUSE_FLUSH, node, args().u64(fh).zeros(16)));
        ok(fuse.call(FUSE_RELEASE, node, args().u64(fh).zeros(16)));
        assertEquals(Errno.EBADF, fuse.read(fh, 0, 10).error(), "a released handle");
        assertEquals(0, server.openCount());
    }

    @Test
    void createWriteFsyncHandsTheHostTheBytesWithTheGuestsOwnerAndMode() throws Exception {
        GuestFuse fuse = mount(false);
        Reply created = fuse.callAs(FUSE_CREATE, FUSE_ROOT_ID, 1234, 5678,
                args().u32(Libc.O_WRONLY | Libc.O_CREAT).u32(0100640).u32(022).u32(0).name("new"));
        ok(created);
        long node = created.u64(0);
        long fh = created.u64(ENTRY_OUT_SIZE);
        byte[] bytes = new byte[100_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        Reply w = fuse.write(fh, 0, bytes);
        ok(w);
        assertEquals(bytes.length, w.u32(0));
        ok(fuse.call(FUSE_FSYNC, node, args().u64(fh).u32(0).u32(0)));
        ok(fuse.call(FUSE_RELEASE, node, args().u64(fh).zeros(16)));
        Path file = dir.resolve("new");
        assertArrayEquals(bytes, Files.readAllBytes(file));
        assertEquals(1234, Files.getAttribute(file, "unix:uid"));
        assertEquals(5678, Files.getAttribute(file, "unix:gid"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Reply again = fuse.call(FUSE_CREATE, FUSE_ROOT_ID, args().u32(Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL)
                .u32(0100600).u32(0).u32(0).name("new"));
        assertEquals(Errno.EEXIST, again.error());
        Reply reopened = fuse.call(FUSE_CREATE, FUSE_ROOT_ID, args().u32(Libc.O_RDWR | Libc.O_CREAT)
                .u32(0100600).u32(0).u32(0).name("new"));
        ok(reopened);
        assertEquals(node, reopened.u64(0));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "an existing file keeps its mode");
    }

    @Test
    void mkdirRenameRename2UnlinkRmdir() throws Exception {
        GuestFuse fuse = mount(false);
        Reply d = fuse.call(FUSE_MKDIR, FUSE_ROOT_ID, args().u32(0755).u32(0).name("d"));
        ok(d);
        long dNode = d.u64(0);
        assertEquals(040000, mode(d, ENTRY_OUT_ATTR) & 0170000);
        Files.writeString(dir.resolve("d/a"), "a");
        Files.writeString(dir.resolve("b"), "b");
        ok(fuse.call(FUSE_RENAME, dNode, args().u64(FUSE_ROOT_ID).name("a").name("a2")));
        assertEquals("a", Files.readString(dir.resolve("a2")));
        assertEquals(Errno.EEXIST, fuse.call(FUSE_RENAME2, FUSE_ROOT_ID,
                args().u64(FUSE_ROOT_ID).u32(1 /* NOREPLACE */).u32(0).name("a2").name("b")).error());
        ok(fuse.call(FUSE_RENAME2, FUSE_ROOT_ID, args().u64(FUSE_ROOT_ID).u32(2 /* EXCHANGE */).u32(0).name("a2").name("b")));
        assertEquals("b", Files.readString(dir.resolve("a2")));
        ok(fuse.call(FUSE_UNLINK, FUSE_ROOT_ID, args().name("a2")));
        assertFalse(Files.exists(dir.resolve("a2")));
        assertEquals(Errno.EISDIR, fuse.call(FUSE_UNLINK, FUSE_ROOT_ID, args().name("d")).error());
        ok(fuse.call(FUSE_RMDIR, FUSE_ROOT_ID, args().name("d")));
        assertFalse(Files.exists(dir.resolve("d")));
    }

    @Test
    void symlinkReadlinkLinkMknod() throws Exception {
        Files.writeString(dir.resolve("target"), "t");
        GuestFuse fuse = mount(false);
        Reply s = fuse.call(FUSE_SYMLINK, FUSE_ROOT_ID, args().name("ln").name("target"));
        ok(s);
        assertEquals(0120000, mode(s, ENTRY_OUT_ATTR) & 0170000);
        assertEquals("target", Files.readSymbolicLink(dir.resolve("ln")).toString());
        Reply target = fuse.call(FUSE_READLINK, s.u64(0), args());
        ok(target);
        assertEquals("target", target.text());
        long t = fuse.lookup(FUSE_ROOT_ID, "target");
        Reply l = fuse.call(FUSE_LINK, FUSE_ROOT_ID, args().u64(t).name("hard"));
        ok(l);
        assertEquals(t, l.u64(0));
        assertEquals(2, l.u32(ENTRY_OUT_ATTR + 64), "nlink");
        assertEquals(2, Files.getAttribute(dir.resolve("target"), "unix:nlink"));
        Reply fifo = fuse.call(FUSE_MKNOD, FUSE_ROOT_ID, args().u32(0010644).u32(0).u32(0).u32(0).name("fifo"));
        ok(fifo);
        assertTrue(Files.readAttributes(dir.resolve("fifo"), java.nio.file.attribute.BasicFileAttributes.class).isOther());
        assertEquals(Errno.EPERM, fuse.call(FUSE_MKNOD, FUSE_ROOT_ID,
                args().u32(0020600).u32((1 << 8) | 3).u32(0).u32(0).name("null")).error(), "no device nodes");
        assertFalse(Files.exists(dir.resolve("null"), LinkOption.NOFOLLOW_LINKS));
    }

    /** Names and node ids of a READDIR(PLUS) reply. */
    private static List<String> names(Reply r, boolean plus, List<Long> nodes) {
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at < r.body().length) {
            long node = plus ? r.u64(at) : -1;
            int d = at + (plus ? ENTRY_OUT_SIZE : 0);
            int len = r.u32(d + 16);
            String name = new String(r.body(), d + FUSE_NAME_OFFSET, len, StandardCharsets.UTF_8);
            names.add(name);
            if (plus && !name.equals(".") && !name.equals("..")) {
                nodes.add(node);
            }
            at = (d + FUSE_NAME_OFFSET + len + 7) & -8;
        }
        return names;
    }

    @Test
    void opendirReaddirReaddirplusInSmallRepliesReleasedir() throws Exception {
        for (int i = 0; i < 50; i++) {
            Files.writeString(dir.resolve("file-" + i), "x");
        }
        GuestFuse fuse = mount(false);
        for (boolean plus : new boolean[] {false, true}) {
            Reply o = fuse.call(FUSE_OPENDIR, FUSE_ROOT_ID, args().u32(0).u32(0));
            ok(o);
            long fh = o.u64(0);
            List<String> all = new ArrayList<>();
            List<Long> nodes = new ArrayList<>();
            long offset = 0;
            while (true) {
                Reply r = fuse.call(plus ? FUSE_READDIRPLUS : FUSE_READDIR, FUSE_ROOT_ID,
                        args().u64(fh).u64(offset).u32(plus ? 1024 : 256).u32(0).u64(0).u32(0).u32(0));
                ok(r);
                if (r.body().length == 0) {
                    break;
                }
                List<String> batch = names(r, plus, nodes);
                all.addAll(batch);
                // the offset of the last entry is where the next request starts
                int last = 0;
                int at = 0;
                while (at < r.body().length) {
                    last = at + (plus ? ENTRY_OUT_SIZE : 0);
                    at = (last + FUSE_NAME_OFFSET + r.u32(last + 16) + 7) & -8;
                }
                offset = r.u64(last + 8);
            }
            assertEquals(52, all.size(), all.toString());
            assertEquals(52, new java.util.HashSet<>(all).size(), "no entry twice");
            assertTrue(all.contains("file-49") && all.contains(".") && all.contains(".."));
            if (plus) {
                assertEquals(50, nodes.size());
                assertTrue(nodes.stream().allMatch(n -> n > FUSE_ROOT_ID));
                assertEquals(nodes.get(0), fuse.lookup(FUSE_ROOT_ID, all.stream().filter(n -> n.startsWith("file-")).findFirst().orElseThrow()));
            }
            ok(fuse.call(FUSE_RELEASEDIR, FUSE_ROOT_ID, args().u64(fh).zeros(16)));
        }
        assertEquals(0, server.openCount());
    }

    @Test
    void setattrChmodChownTruncateAndTimes() throws Exception {
        Files.writeString(dir.resolve("f"), "0123456789");
        GuestFuse fuse = mount(false);
        long node = fuse.lookup(FUSE_ROOT_ID, "f");
        int valid = FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_SIZE | FATTR_MTIME;
        Reply r = fuse.call(FUSE_SETATTR, node, args().u32(valid).u32(0).u64(0).u64(4).u64(0).u64(0)
                .u64(1_000_000_000L).u64(0).u32(0).u32(500).u32(0).u32(0600).u32(0).u32(42).u32(43).u32(0));
        ok(r);
        assertEquals(4, r.u64(ATTR_OUT_ATTR + 8));
        Path f = dir.resolve("f");
        assertEquals("0123", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(42, Files.getAttribute(f, "unix:uid"));
        assertEquals(43, Files.getAttribute(f, "unix:gid"));
        assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(1_000_000_000L, 500)), Files.getLastModifiedTime(f));
    }

    @Test
    void xattrsStatfsAccessFallocateLseek() throws Exception {
        Files.writeString(dir.resolve("f"), "data");
        GuestFuse fuse = mount(false);
        long node = fuse.lookup(FUSE_ROOT_ID, "f");
        byte[] value = "v1".getBytes(StandardCharsets.UTF_8);
        ok(fuse.call(FUSE_SETXATTR, node, args().u32(value.length).u32(0).name("user.k").bytes(value)));
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir.resolve("f"), UserDefinedFileAttributeView.class);
        ByteBuffer got = ByteBuffer.allocate(8);
        view.read("k", got);
        assertEquals("v1", new String(got.array(), 0, got.position(), StandardCharsets.UTF_8));
        Reply size = fuse.call(FUSE_GETXATTR, node, args().u32(0).u32(0).name("user.k"));
        ok(size);
        assertEquals(2, size.u32(0));
        Reply v = fuse.call(FUSE_GETXATTR, node, args().u32(64).u32(0).name("user.k"));
        ok(v);
        assertEquals("v1", v.text());
        assertEquals(Errno.ERANGE, fuse.call(FUSE_GETXATTR, node, args().u32(1).u32(0).name("user.k")).error());
        Reply list = fuse.call(FUSE_LISTXATTR, node, args().u32(256).u32(0));
        ok(list);
        assertTrue(list.text().contains("user.k\0"));
        ok(fuse.call(FUSE_REMOVEXATTR, node, args().name("user.k")));
        assertFalse(view.list().contains("k"));

        Reply st = fuse.call(FUSE_STATFS, FUSE_ROOT_ID, args());
        ok(st);
        assertEquals(STATFS_OUT_SIZE, st.body().length);
        assertTrue(st.u32(40) > 0, "bsize");
        assertEquals(Files.getFileStore(dir).getTotalSpace() / st.u32(48), st.u64(0), "blocks in frsize units");

        ok(fuse.call(FUSE_ACCESS, node, args().u32(6).u32(0)));
        long fh = fuse.open(node, Libc.O_RDWR);
        ok(fuse.call(FUSE_FALLOCATE, node, args().u64(fh).u64(0).u64(1 << 20).u32(0).u32(0)));
        assertEquals(1 << 20, Files.size(dir.resolve("f")));
        Reply data = fuse.call(FUSE_LSEEK, node, args().u64(fh).u64(0).u32(3 /* SEEK_DATA */).u32(0));
        ok(data);
        assertEquals(0, data.u64(0));
        ok(fuse.call(FUSE_RELEASE, node, args().u64(fh).zeros(16)));
    }

    @Test
    void forgetAndBatchForgetCloseHandlesAndDestroyForgetsAll() throws Exception {
        for (String n : new String[] {"a", "b", "c"}) {
            Files.writeString(dir.resolve(n), n);
        }
        GuestFuse fuse = mount(false);
        long a = fuse.lookup(FUSE_ROOT_ID, "a");
        fuse.lookup(FUSE_ROOT_ID, "a");
        long b = fuse.lookup(FUSE_ROOT_ID, "b");
        long c = fuse.lookup(FUSE_ROOT_ID, "c");
        assertEquals(4, server.inodeCount());
        fuse.forget(a, 1);
        assertEquals(0, fuse.call(FUSE_GETATTR, a, args().zeros(16)).error(), "one lookup left");
        fuse.forget(a, 1);
        assertEquals(Errno.ESTALE, fuse.call(FUSE_GETATTR, a, args().zeros(16)).error());
        fuse.batchForget(new long[][] {{b, 1}, {c, 1}, {999, 5}, {FUSE_ROOT_ID, 100}});
        assertEquals(1, server.inodeCount());
        ok(fuse.call(FUSE_GETATTR, FUSE_ROOT_ID, args().zeros(16)));
        long again = fuse.lookup(FUSE_ROOT_ID, "a");
        assertNotEquals(a, again, "node ids are never reused");
        fuse.open(again, Libc.O_RDONLY);
        ok(fuse.call(FUSE_DESTROY, FUSE_ROOT_ID, args()));
        assertEquals(1, server.inodeCount());
        assertEquals(0, server.openCount());
    }

    @Test
    void aReadOnlyShareRefusesEveryChangeOnTheHostSide() throws Exception {
        Files.writeString(dir.resolve("f"), "keep");
        Files.createDirectory(dir.resolve("d"));
        GuestFuse fuse = mount(true);
        long f = fuse.lookup(FUSE_ROOT_ID, "f");
        long d = fuse.lookup(FUSE_ROOT_ID, "d");
        int erofs = Errno.EROFS;
        assertEquals(erofs, fuse.call(FUSE_CREATE, FUSE_ROOT_ID, args().u32(Libc.O_WRONLY | Libc.O_CREAT).u32(0100644).u32(0).u32(0).name("n")).error());
        assertEquals(erofs, fuse.call(FUSE_MKDIR, FUSE_ROOT_ID, args().u32(0755).u32(0).name("n")).error());
        assertEquals(erofs, fuse.call(FUSE_MKNOD, FUSE_ROOT_ID, args().u32(0100644).u32(0).u32(0).u32(0).name("n")).error());
        assertEquals(erofs, fuse.call(FUSE_SYMLINK, FUSE_ROOT_ID, args().name("n").name("f")).error());
        assertEquals(erofs, fuse.call(FUSE_LINK, FUSE_ROOT_ID, args().u64(f).name("n")).error());
        assertEquals(erofs, fuse.call(FUSE_UNLINK, FUSE_ROOT_ID, args().name("f")).error());
        assertEquals(erofs, fuse.call(FUSE_RMDIR, FUSE_ROOT_ID, args().name("d")).error());
        assertEquals(erofs, fuse.call(FUSE_RENAME, FUSE_ROOT_ID, args().u64(d).name("f").name("g")).error());
        assertEquals(erofs, fuse.call(FUSE_SETATTR, f, args().u32(FATTR_SIZE).zeros(84)).error());
        assertEquals(erofs, fuse.call(FUSE_SETXATTR, f, args().u32(1).u32(0).name("user.k").bytes(new byte[] {1})).error());
        assertEquals(erofs, fuse.call(FUSE_REMOVEXATTR, f, args().name("user.k")).error());
        assertEquals(erofs, fuse.call(FUSE_OPEN, f, args().u32(Libc.O_RDWR).u32(0)).error());
        assertEquals(erofs, fuse.call(FUSE_OPEN, f, args().u32(Libc.O_RDONLY | Libc.O_TRUNC).u32(0)).error());
        assertEquals(erofs, fuse.call(FUSE_ACCESS, f, args().u32(2).u32(0)).error());
        long fh = fuse.open(f, Libc.O_RDONLY);
        assertEquals(erofs, fuse.write(fh, 0, new byte[] {'x'}).error());
        assertEquals(erofs, fuse.call(FUSE_FALLOCATE, f, args().u64(fh).u64(0).u64(100).u32(0).u32(0)).error());
        assertEquals("keep", fuse.read(fh, 0, 10).text(), "reads still work");
        assertEquals("keep", Files.readString(dir.resolve("f")));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count());
        }
    }

    @Test
    void chainsWithoutRoomForAHeaderGetNoReplyAndShortHeadersEinval() throws Exception {
        GuestFuse fuse = mount(false);
        assertNull(fuse.raw(new byte[20], 100), "shorter than a request header");
        assertNull(fuse.raw(GuestFuse.header(40, FUSE_GETATTR, 9, 1, 0, 0), 8), "no room for a reply header");
        byte[] lying = GuestFuse.header(4000, FUSE_GETATTR, 77, 1, 0, 0);
        Reply r = fuse.raw(lying, 100);
        assertEquals(Errno.EINVAL, r.error(), "len beyond the readable bytes");
        assertEquals(77, r.unique());
        byte[] noAttr = GuestFuse.header(40, FUSE_GETATTR, 78, 1, 0, 0);
        assertEquals(Errno.EINVAL, fuse.raw(noAttr, 40).error(), "reply room smaller than attr_out");
        LittleEndian.put32(noAttr, 0, 40);
    }
}
