package dev.kapsel.initramfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * An initramfs under construction: the kernel's "newc" cpio format, gzip-compressed. Entries keep the
 * order they were added in; parent directories are added automatically. Everything is owned by root.
 */
public final class Initramfs {
    private sealed interface Entry permits Dir, File, Symlink, CharDevice {}

    private record Dir(String path, int mode) implements Entry {}

    private record File(String path, int mode, byte[] content) implements Entry {}

    private record Symlink(String path, String target) implements Entry {}

    private record CharDevice(String path, int mode, int major, int minor) implements Entry {}

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> paths = new LinkedHashSet<>();

    public Initramfs directory(String path) {
        String p = normalize(path);
        if (!p.isEmpty() && paths.add(p)) {
            parents(p);
            entries.add(new Dir(p, 0755));
        }
        return this;
    }

    /** Whether the image has an entry at {@code path} already. */
    public boolean contains(String path) {
        return paths.contains(normalize(path));
    }

    public Initramfs file(String path, int mode, byte[] content) {
        String p = add(path);
        entries.add(new File(p, mode, content.clone()));
        return this;
    }

    public Initramfs file(String path, int mode, String content) {
        return file(path, mode, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies a host file (following links) into the image. */
    public Initramfs copy(Path host, String path, int mode) throws IOException {
        return file(path, mode, Files.readAllBytes(host));
    }

    public Initramfs symlink(String path, String target) {
        String p = add(path);
        entries.add(new Symlink(p, target));
        return this;
    }

    public Initramfs charDevice(String path, int mode, int major, int minor) {
        String p = add(path);
        entries.add(new CharDevice(p, mode, major, minor));
        return this;
    }

    /** /dev/console and /dev/null, which the kernel and a shell need before devtmpfs is mounted. */
    public Initramfs standardDevices() {
        charDevice("dev/console", 0600, 5, 1);
        charDevice("dev/null", 0666, 1, 3);
        return this;
    }

    private String add(String path) {
        String p = normalize(path);
        if (p.isEmpty() || !paths.add(p)) {
            throw new IllegalArgumentException("initramfs already has " + path);
        }
        parents(p);
        return p;
    }

    private void parents(String p) {
        int slash = p.lastIndexOf('/');
        if (slash > 0) {
            directory(p.substring(0, slash));
        }
    }

    private static String normalize(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        for (String part : p.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("initramfs path must not contain . or ..: " + path);
            }
        }
        return p;
    }

    /** Writes the gzip-compressed cpio archive. */
    public void writeTo(OutputStream out) throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(out);
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW)) {
            long inode = 1;
            for (Entry e : entries) {
                CpioArchiveEntry c = new CpioArchiveEntry(CpioConstants.FORMAT_NEW);
                c.setInode(inode++);
                c.setNumberOfLinks(1);
                c.setTime(0);
                byte[] data = new byte[0];
                switch (e) {
                    case Dir d -> {
                        c.setName(d.path());
                        c.setMode(CpioConstants.C_ISDIR | d.mode());
                        c.setNumberOfLinks(2);
                    }
                    case File f -> {
                        c.setName(f.path());
                        c.setMode(CpioConstants.C_ISREG | f.mode());
                        data = f.content();
                    }
                    case Symlink s -> {
                        c.setName(s.path());
                        c.setMode(CpioConstants.C_ISLNK | 0777);
                        data = s.target().getBytes(StandardCharsets.UTF_8);
                    }
                    case CharDevice d -> {
                        c.setName(d.path());
                        c.setMode(CpioConstants.C_ISCHR | d.mode());
                        c.setRemoteDeviceMaj(d.major());
                        c.setRemoteDeviceMin(d.minor());
                    }
                }
                c.setSize(data.length);
                cpio.putArchiveEntry(c);
                cpio.write(data);
                cpio.closeArchiveEntry();
            }
            cpio.finish();
        }
    }

    public byte[] toBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTo(out);
        return out.toByteArray();
    }

    public void writeTo(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTo(out);
        }
    }
}
