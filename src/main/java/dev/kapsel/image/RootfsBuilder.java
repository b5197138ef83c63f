package dev.kapsel.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns an unpacked root into an ext4 block image with e2fsprogs: {@code mkfs.ext4 -q -F -d DIR IMG
 * SIZE}, sized from the tree (blocks, inodes) plus a margin, no reserved blocks. The guest mounts it
 * read-only under its writable overlay.
 */
final class RootfsBuilder {
    static final long BLOCK = 4096;
    static final long INODE_SIZE = 256;
    static final long MARGIN = 16L << 20;
    static final long TIMEOUT_MINUTES = 30;

    private RootfsBuilder() {}

    /** Blocks and inodes a tree needs, counted without following symlinks. */
    record Footprint(long bytes, long inodes) {
        long imageSize() {
            long raw = bytes + inodes * INODE_SIZE;
            long size = raw + raw / 5 + MARGIN;
            return (size + (1 << 20) - 1) & -(1L << 20);
        }

        long inodeCount() {
            return inodes + inodes / 5 + 256;
        }
    }

    static Footprint measure(Path root) throws IOException {
        long[] totals = new long[2];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                totals[0] += BLOCK;
                totals[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                totals[0] += (attrs.size() + BLOCK - 1) / BLOCK * BLOCK + (attrs.isSymbolicLink() ? BLOCK : 0);
                totals[1]++;
                return FileVisitResult.CONTINUE;
            }
        });
        return new Footprint(totals[0], totals[1]);
    }

    /** Builds {@code image} (which must not exist) from {@code root}. */
    static void build(Path root, Path image, String what) throws IOException, RootfsBuildException {
        Footprint f = measure(root);
        long size = f.imageSize();
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
        }
        List<String> command = List.of(mkfs(), "-q", "-F", "-m", "0", "-N", Long.toString(f.inodeCount()),
                "-d", root.toString(), image.toString(), (size / 1024) + "k");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new RootfsBuildException("cannot run mkfs.ext4 (install e2fsprogs): " + e.getMessage(), e);
        }
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new RootfsBuildException("mkfs.ext4 for " + what + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RootfsBuildException("interrupted while building the ext4 image of " + what, e);
        }
        if (p.exitValue() != 0) {
            String firstLine = output.isEmpty() ? "" : ": " + output.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            throw new RootfsBuildException("mkfs.ext4 failed for " + what + " (exit " + p.exitValue() + ")" + firstLine);
        }
    }

    private static String mkfs() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, "mkfs.ext4");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return "mkfs.ext4";
    }
}
