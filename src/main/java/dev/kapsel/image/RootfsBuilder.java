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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns an unpacked root into an ext4 block image with e2fsprogs: {@code mkfs.ext4 -q -F -d DIR IMG
 * SIZE}, sized from the tree (blocks, inodes) plus a margin, no reserved blocks. The guest mounts it
 * read-only under its writable overlay. Single host files can then be written into the image at a
 * path of their own ({@link #addFiles}, with debugfs), the way an OCI runtime bind-mounts the
 * {@code /etc/hosts} an engine prepared over the image's own without touching the root directory.
 */
public final class RootfsBuilder {
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
    public static void build(Path root, Path image, String what) throws IOException, RootfsBuildException {
        Footprint f = measure(root);
        long size = f.imageSize();
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
        }
        List<String> command = List.of(tool("mkfs.ext4"), "-q", "-F", "-m", "0", "-N", Long.toString(f.inodeCount()),
                "-d", root.toString(), image.toString(), (size / 1024) + "k");
        run(command, "mkfs.ext4", what);
    }

    /**
     * Writes each host file into the ext4 {@code image} at its absolute guest path (the key),
     * replacing what is there (a file or a symbolic link) and creating missing parent directories.
     * Paths must be plain: absolute, no {@code .}/{@code ..} parts, no whitespace or quotes.
     */
    public static void addFiles(Path image, Map<String, Path> files) throws IOException, RootfsBuildException {
        if (files.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String dest = f.getKey();
            if (!isPlainPath(dest) || !isPlainPath(f.getValue().toString())) {
                throw new IllegalArgumentException("cannot write " + f.getValue() + " at " + dest + " into an image: not a plain absolute path");
            }
            // Names relative to the current directory only: debugfs resolves an absolute one in mkdir against it.
            String[] parts = dest.substring(1).split("/");
            script.append("cd /\n");
            for (int i = 0; i < parts.length - 1; i++) {
                script.append("mkdir ").append(parts[i]).append('\n').append("cd ").append(parts[i]).append('\n');
            }
            String name = parts[parts.length - 1];
            script.append("rm ").append(name).append('\n').append("write ").append(f.getValue()).append(' ').append(name).append('\n');
        }
        Path commands = Files.createTempFile("kapsel-debugfs-", ".txt");
        try {
            Files.writeString(commands, script);
            // debugfs goes on after a failing command (mkdir of an existing directory, rm of nothing).
            run(List.of(tool("debugfs"), "-w", "-f", commands.toString(), image.toString()), "debugfs", image.toString());
        } finally {
            Files.deleteIfExists(commands);
        }
    }

    static boolean isPlainPath(String p) {
        if (!p.startsWith("/") || p.length() < 2 || p.endsWith("/") || p.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == 127)) {
            return false;
        }
        for (String part : p.substring(1).split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static void run(List<String> command, String tool, String what) throws IOException, RootfsBuildException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new RootfsBuildException("cannot run " + tool + " (install e2fsprogs): " + e.getMessage(), e);
        }
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new RootfsBuildException(tool + " for " + what + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RootfsBuildException("interrupted while building the ext4 image of " + what, e);
        }
        if (p.exitValue() != 0) {
            String firstLine = output.isEmpty() ? "" : ": " + output.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            throw new RootfsBuildException(tool + " failed for " + what + " (exit " + p.exitValue() + ")" + firstLine);
        }
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name;
    }
}
