package dev.kapsel.sandbox.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kapsel.sandbox.ErrnoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A program that walks a share with hostile names ("..", absolute links, long names, links out of the
 * share it makes itself) while the host swaps a directory of the share for a symlink out of it between
 * calls: nothing outside the share is read (no byte of the secret), written (the outside tree is the
 * same after), or learned (no node the sandbox hands out is an inode outside the share).
 */
class HostileShareProperties {
    private static final List<String> NAMES = List.of("..", ".", "", "a", "b", "f", "secret", "out", "outside", "od",
            "swap", "x".repeat(256), "etc", "proc");
    private static final List<String> TARGETS = List.of("..", "../..", "../outside", "/", "/data/..", "../../../outside/secret",
            "%s", "%s/secret", "a/../..", "/proc/self/root", "out");

    record Op(int kind, String path, String other, boolean fromHeld) {}

    @Provide
    Arbitrary<List<Op>> programs() {
        Arbitrary<String> component = Arbitraries.of(NAMES);
        Arbitrary<String> path = component.list().ofMinSize(0).ofMaxSize(5).map(parts -> "/data/" + String.join("/", parts));
        Arbitrary<String> relative = component.list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts));
        Arbitrary<String> either = Arbitraries.oneOf(path, relative);
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 11), either,
                Arbitraries.oneOf(either, Arbitraries.of(TARGETS)), Arbitraries.of(true, false)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 150)
    void nothingOutsideTheShareIsReadWrittenOrLearned(@ForAll("programs") List<Op> program) throws Exception {
        Path base = Files.createTempDirectory("hostile-share");
        try {
            run(base, program);
        } finally {
            delete(base);
        }
    }

    private void run(Path base, List<Op> program) throws Exception {
        Path image = Files.createDirectories(base.resolve("image"));
        Path share = Files.createDirectories(base.resolve("share"));
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "TOPSECRET");
        Files.createDirectories(outside.resolve("od"));
        Files.createDirectories(share.resolve("a/b"));
        Files.writeString(share.resolve("a/f"), "inside");
        Files.createSymbolicLink(share.resolve("out"), Path.of("../outside"));
        Files.createSymbolicLink(share.resolve("a/outside"), outside);
        Set<Long> outsideInodes = new HashSet<>();
        for (Path p : List.of(outside, outside.resolve("secret"), outside.resolve("od"), base)) {
            outsideInodes.add((Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        }
        TreeMap<String, String> before = snapshot(outside);

        Vfs vfs = new Vfs(image, new UpperQuota(1 << 20));
        vfs.bind("/data", HostShare.bindSource(share, false));
        Location held = vfs.resolve(vfs.root(), "/data/a", true).location(); // a cwd inside the directory the host swaps
        boolean swapped = false;
        for (Op op : program) {
            if (op.kind() == 11) {
                swapped = swap(share, outside, swapped);
                continue;
            }
            Location start = op.fromHeld() ? held : vfs.root();
            String other = op.other().contains("%s") ? op.other().formatted(outside) : op.other();
            try {
                apply(vfs, start, op.kind(), op.path(), other, outsideInodes);
            } catch (ErrnoException expected) {
                // refused: fine, as long as nothing leaked
            }
        }
        assertEquals(before, snapshot(outside), "the tree outside the share changed");
    }

    /** The host renames share/a aside and puts a symlink out of the share in its place, or undoes it. */
    private static boolean swap(Path share, Path outside, boolean swapped) throws IOException {
        if (!swapped) {
            if (Files.exists(share.resolve("a"), LinkOption.NOFOLLOW_LINKS)) {
                Files.move(share.resolve("a"), share.resolve("a-aside"));
                Files.createSymbolicLink(share.resolve("a"), outside);
            }
            return true;
        }
        if (Files.isSymbolicLink(share.resolve("a")) && Files.exists(share.resolve("a-aside"), LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(share.resolve("a"));
            Files.move(share.resolve("a-aside"), share.resolve("a"));
        }
        return false;
    }

    private static void apply(Vfs vfs, Location start, int kind, String path, String other, Set<Long> outsideInodes) {
        Vfs.Resolved r = vfs.resolve(start, path, kind != 4 && kind != 5 && kind != 6);
        learnsNothing(r.node(), outsideInodes);
        learnsNothing(r.parent().directory(), outsideInodes);
        for (Directory d : r.parent().dirs()) {
            learnsNothing(d, outsideInodes);
        }
        if (r.node() == null && (kind == 0 || kind >= 8)) {
            return; // nothing there to read, change or list
        }
        switch (kind) {
            case 0 -> { // read
                OpenFile f = r.node().open(0);
                byte[] b = new byte[4096];
                int n = f instanceof DirectoryHandle d ? d.getdents(4096).length : f.read(b, b.length);
                f.close();
                assertFalse(new String(b, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1).contains("TOPSECRET"), "read the secret");
            }
            case 1 -> { // create or overwrite
                Node n = r.node() == null ? vfs.createFile(r, 0644) : vfs.forWriting(r);
                OpenFile f = n.open(1 | 01000);
                f.write("pwned".getBytes(), 0, 5);
                f.close();
            }
            case 2 -> vfs.mkdir(r, 0755);
            case 3 -> vfs.unlink(r, false);
            case 4 -> vfs.unlink(r, true);
            case 5 -> vfs.rename(r, vfs.resolve(start, other, false), false);
            case 6 -> vfs.symlink(r, other);
            case 7 -> vfs.link(r, vfs.resolve(start, other, false));
            case 8 -> {
                if (r.node() instanceof HostNode h) {
                    h.chmod(0777);
                    h.utimes(new long[] {1, 0, 1, 0});
                }
            }
            case 9 -> {
                if (r.node() instanceof Directory d) {
                    for (Directory.Entry e : d.entries()) {
                        assertFalse(outsideInodes.contains(e.ino()), "listed a directory outside the share: " + e);
                    }
                }
            }
            default -> { // truncate
                OpenFile f = vfs.forWriting(r).open(1);
                if (f instanceof RegularHandle h) {
                    h.truncate(0);
                }
                f.close();
            }
        }
    }

    private static void learnsNothing(Node n, Set<Long> outsideInodes) {
        if (n instanceof HostNode) {
            assertFalse(outsideInodes.contains(n.ino()) || outsideInodes.contains(n.stat().ino()), "handed out a node outside the share");
        }
    }

    /** Every path under {@code top} with its type, mode, size, mtime and content. */
    private static TreeMap<String, String> snapshot(Path top) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.toList()) {
                var a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime,nlink", LinkOption.NOFOLLOW_LINKS);
                String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "";
                out.put(top.relativize(p).toString(), a.get("mode") + " " + a.get("size") + " " + a.get("lastModifiedTime")
                        + " " + a.get("nlink") + " " + content);
            }
        }
        return out;
    }

    private static void delete(Path top) throws IOException {
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
