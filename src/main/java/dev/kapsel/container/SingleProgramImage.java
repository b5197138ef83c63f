package dev.kapsel.container;

import dev.kapsel.image.ElfDependencies;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.OciLayoutWriter;
import dev.kapsel.image.Progress;
import dev.kapsel.image.layer.LayerApplier;
import dev.kapsel.initramfs.Initramfs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * kapsel's single-program images ({@code kapsel build-unikernel}): an ordinary image and a command
 * become a micro-VM image that boots the guest kernel straight into that one program. The initramfs
 * holds only the program, its ELF dependency closure ({@link ElfDependencies}), the files the user
 * names, and {@code /init}, kapsel's small static PID 1 (src/main/c/program-init), which mounts /proc,
 * /dev and /tmp, starts the program under a seccomp filter that refuses new processes, and ends the
 * VM when it ends. No shell, no agent; the root is the initramfs, rebuilt at every boot. The result is
 * a unikernel image ({@link UnikernelImage}'s labels) with the kernel and initramfs as its one layer.
 */
public final class SingleProgramImage {
    /**
     * The guest's command line: the micro-VM's own (serial console as the program's terminal, reboot
     * through the i8042, which ends the VM, no reboot on panic, no PCI), no kernel chatter, kapsel's init.
     */
    static final String CMDLINE = dev.kapsel.vmm.VmConfig.DEFAULT_CMDLINE + " quiet loglevel=1 rdinit=/init";
    static final String KERNEL_PATH = "/boot/vmlinuz";
    static final String INITRD_PATH = "/boot/initramfs.cpio.gz";
    /** Label naming the program, for {@code inspect}. */
    public static final String PROGRAM = "dev.kapsel.unikernel.program";
    /** Bounds the files the user may add ({@code --include}): a single-program image is not a distribution. */
    static final long MAX_INCLUDED_BYTES = 1L << 30;

    private SingleProgramImage() {}

    /** What to build: the process (argv[0] as the image names it, found in its PATH), files to add, the kernel and init to use. */
    public record Request(String image, ContainerProcess process, List<String> includes, String output, Path kernel, Path init) {}

    /** What was built: the stored image, its program's path, the number of files, and the layer's size. */
    public record Result(Image image, String program, int files, long initramfsBytes) {}

    public static Result build(ImageStore store, Request request, Progress progress) throws IOException, ImageException {
        Path tree = store.unpackedRoot(request.image(), progress);
        ElfDependencies deps = new ElfDependencies(tree);
        String program = findProgram(deps, request.process());
        progress.update("finding what " + program + " needs");
        Initramfs initramfs = new Initramfs();
        int files = 0;
        for (String name : deps.closure(program)) {
            Path host = deps.hostPath(name);
            initramfs.file(name, mode(host), Files.readAllBytes(host));
            files++;
        }
        long included = 0;
        for (String include : request.includes()) {
            included = include(initramfs, deps, include, included);
        }
        List<String> argv = new ArrayList<>(request.process().argv());
        argv.set(0, program);
        initramfs.file("/init", 0755, Files.readAllBytes(request.init()));
        initramfs.file("/kapsel/argv", 0644, nulSeparated(argv));
        initramfs.file("/kapsel/env", 0644, nulSeparated(launchProcess(request.process()).envWithPath()));
        String cwd = request.process().workingDir().isEmpty() ? "/" : request.process().workingDir();
        initramfs.directory(cwd); // the image's WorkingDir, even when nothing of it is copied
        initramfs.file("/kapsel/cwd", 0644, nulSeparated(List.of(cwd)));
        progress.update("writing the image");
        byte[] cpio = initramfs.toBytes(); // gzip-compressed already
        byte[] layer = layer(Files.readAllBytes(request.kernel()), cpio);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put(UnikernelImage.KERNEL, KERNEL_PATH);
        labels.put(UnikernelImage.INITRD, INITRD_PATH);
        labels.put(UnikernelImage.CMDLINE, CMDLINE);
        labels.put(UnikernelImage.BOOT_PROTOCOL, "linux");
        labels.put(PROGRAM, String.join(" ", argv));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Labels", labels);
        Path staging = Files.createTempDirectory("kapsel-build-unikernel-");
        try {
            OciLayoutWriter.write(staging, request.output(), layer, config, Instant.now());
            Image image = store.load(staging, request.output(), Progress.QUIET);
            return new Result(image, program, files + (int) Math.min(Integer.MAX_VALUE, included), cpio.length);
        } finally {
            LayerApplier.deleteTree(staging);
        }
    }

    /** argv[0] as a path inside the image: as given when it has a slash, else the first match in the process's PATH. */
    static String findProgram(ElfDependencies deps, ContainerProcess process) throws IOException {
        String command = process.argv().getFirst();
        if (command.contains("/")) {
            return command.startsWith("/") ? command : Path.of(process.workingDir().isEmpty() ? "/" : process.workingDir())
                    .resolve(command).normalize().toString();
        }
        String path = launchProcess(process).searchPath();
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            String candidate = dir + "/" + command;
            try {
                Path host = deps.hostPath(candidate);
                if (Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(host)) {
                    return candidate;
                }
            } catch (ElfDependencies.ElfException notHere) {
                // the next directory
            }
        }
        throw new ElfDependencies.ElfException(command + " is in none of the image's PATH directories (" + path + ")");
    }

    /** The process as a launch's, whose environment and search path follow the run path's PATH rule. */
    private static ContainerLaunch.Process launchProcess(ContainerProcess p) {
        return ContainerLaunch.Process.of(p.argv(), p.env(), p.workingDir());
    }

    /** Adds the file or tree at {@code name} in the image; returns the bytes added so far. */
    private static long include(Initramfs initramfs, ElfDependencies deps, String name, long sofar) throws IOException {
        Path top = deps.hostPath(name);
        String base = Path.of("/").resolve(name).normalize().toString();
        long total = sofar;
        try (Stream<Path> walk = Files.walk(top)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String inside = top.equals(p) ? base : base + "/" + top.relativize(p);
                if (Files.isSymbolicLink(p)) {
                    if (!initramfs.contains(inside)) {
                        initramfs.symlink(inside, Files.readSymbolicLink(p).toString());
                    }
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    initramfs.directory(inside);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(p);
                    if (total > MAX_INCLUDED_BYTES) {
                        throw new IOException("--include adds more than " + (MAX_INCLUDED_BYTES >> 20) + " MiB");
                    }
                    if (!initramfs.contains(inside)) {
                        initramfs.file(inside, mode(p), Files.readAllBytes(p));
                    }
                }
            }
        }
        return total;
    }

    private static int mode(Path host) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(host);
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    private static byte[] nulSeparated(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : items) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    private static byte[] layer(byte[] kernel, byte[] initramfs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry dir = new TarArchiveEntry("boot/");
            dir.setMode(0755);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> f : Map.of(KERNEL_PATH, kernel, INITRD_PATH, initramfs).entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey().substring(1));
                e.setMode(0644);
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }
}
