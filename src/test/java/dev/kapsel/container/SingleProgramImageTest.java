package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kapsel.image.ElfDependencies;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import dev.kapsel.testing.OciLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build-unikernel}'s image, built on the host and opened again (booting it needs a Linux guest:
 * SingleProgramImageGuestTest): a unikernel image whose layer has the kernel and an initramfs with only
 * /init, the program's argv, env and cwd, the program, its libraries (for a dynamic Debian binary, the
 * loader's own list) and what --include names.
 */
class SingleProgramImageTest {
    @TempDir
    static Path dir;
    static ImageStore store;
    static Path kernel;
    static final Path INIT = Guest.REPO.resolve("target/agent/kapsel-program-init");
    static final String LS_IMAGE = "kapsel-test/ls:1";

    @BeforeAll
    static void images() throws Exception {
        store = ImageStore.open(dir.resolve("images"));
        store.load(BusyboxImage.writeLayout(Files.createDirectory(dir.resolve("busybox"))), null);
        kernel = Files.writeString(dir.resolve("vmlinuz"), "not really a kernel");
        assumeTrue(Files.isExecutable(Path.of("/bin/ls")));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String file : lddFiles("/bin/ls")) {
                OciLayout.file(t, file.substring(1), 0755, Files.readAllBytes(Path.of(file)));
            }
            TarArchiveEntry data = new TarArchiveEntry("data/");
            t.putArchiveEntry(data);
            t.closeArchiveEntry();
            OciLayout.file(t, "data/a.txt", 0644, "a".getBytes(StandardCharsets.UTF_8));
            OciLayout.file(t, "data/b.txt", 0600, "b".getBytes(StandardCharsets.UTF_8));
        }
        store.load(OciLayout.write(Files.createDirectory(dir.resolve("ls")), LS_IMAGE, tar.toByteArray(),
                "{\"Entrypoint\": [\"/bin/ls\"], \"Cmd\": [\"-l\", \"/data\"]}"), null);
    }

    /** /bin/ls and what ldd says it loads, as the paths ldd names them. */
    static List<String> lddFiles(String program) throws Exception {
        Process p = new ProcessBuilder("ldd", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        java.util.List<String> files = new java.util.ArrayList<>(List.of(program));
        Matcher m = Pattern.compile("(?:\\S+ => )?(/\\S+) \\(0x").matcher(out);
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }

    /** The initramfs of a built image: path -> (mode, bytes) for files, "->target" for links, "dir" for directories. */
    static Map<String, Object> initramfs(Image built) throws Exception {
        Path root = store.unpackedRoot(built.name(), Progress.QUIET);
        byte[] gz = Files.readAllBytes(root.resolve("boot/initramfs.cpio.gz"));
        Map<String, Object> entries = new TreeMap<>();
        try (CpioArchiveInputStream cpio = new CpioArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(gz)))) {
            CpioArchiveEntry e;
            while ((e = cpio.getNextCPIOEntry()) != null) {
                byte[] content = cpio.readAllBytes();
                if (e.isDirectory()) {
                    entries.put(e.getName(), "dir");
                } else if (e.isSymbolicLink()) {
                    entries.put(e.getName(), "->" + new String(content, StandardCharsets.UTF_8));
                } else {
                    entries.put(e.getName(), new Object[] {(int) (e.getMode() & 07777), content});
                }
            }
        }
        return entries;
    }

    private static SingleProgramImage.Result build(String image, List<String> argv, List<String> env, List<String> includes,
                                                   String output) throws Exception {
        return SingleProgramImage.build(store, new SingleProgramImage.Request(image, new ContainerProcess(argv, env, "", ""),
                includes, output, kernel, INIT), Progress.QUIET);
    }

    @Test
    void aStaticProgramGetsItselfInitItsArgvAndTheIncludedFilesOnly() throws Exception {
        SingleProgramImage.Result r = SingleProgramImage.build(store, new SingleProgramImage.Request(BusyboxImage.NAME,
                new ContainerProcess(List.of("sh", "-c", "echo hi"), List.of("PATH=/usr/bin:/bin", "A=1"), "/tmp", ""),
                List.of("/srv/hello.txt"), "kapsel-test/sh-uk:1", kernel, INIT), Progress.QUIET);
        assertEquals("/bin/sh", r.program());
        Image built = r.image();
        Map<String, String> labels = built.config().labels();
        assertEquals("/boot/vmlinuz", labels.get(UnikernelImage.KERNEL));
        assertEquals("/boot/initramfs.cpio.gz", labels.get(UnikernelImage.INITRD));
        assertTrue(labels.get(UnikernelImage.CMDLINE).contains("rdinit=/init"), labels.toString());
        assertTrue(UnikernelImage.fromLabels(labels).isPresent(), "kapsel run takes it for a unikernel");
        Path root = store.unpackedRoot(built.name(), Progress.QUIET);
        assertEquals("not really a kernel", Files.readString(root.resolve("boot/vmlinuz")));
        Map<String, Object> files = initramfs(built);
        Object[] init = (Object[]) files.get("init");
        assertEquals(0755, init[0]);
        assertArrayEquals(Files.readAllBytes(INIT), (byte[]) init[1]);
        assertArrayEquals("/bin/sh\0-c\0echo hi\0".getBytes(StandardCharsets.UTF_8), (byte[]) ((Object[]) files.get("kapsel/argv"))[1]);
        assertArrayEquals("PATH=/usr/bin:/bin\0A=1\0".getBytes(StandardCharsets.UTF_8), (byte[]) ((Object[]) files.get("kapsel/env"))[1]);
        assertArrayEquals("/tmp\0".getBytes(StandardCharsets.UTF_8), (byte[]) ((Object[]) files.get("kapsel/cwd"))[1]);
        assertArrayEquals(Files.readAllBytes(Path.of("/bin/busybox")), (byte[]) ((Object[]) files.get("bin/sh"))[1],
                "the program's link is read inside the image");
        assertArrayEquals("hello from the image\n".getBytes(StandardCharsets.UTF_8), (byte[]) ((Object[]) files.get("srv/hello.txt"))[1]);
        assertFalse(files.containsKey("etc/passwd"), "nothing the program does not need");
        assertFalse(files.containsKey("bin/busybox"), "the program is stored under the name it runs by");
        assertEquals("dir", files.get("tmp"), "the working directory is there");
    }

    @Test
    void aDynamicProgramGetsTheLibrariesTheLoaderLoadsAndTheImagesDefaultCommand() throws Exception {
        Image img = store.image(LS_IMAGE);
        ContainerProcess p = ProcessSpecResolver.resolve(new ProcessSpecResolver.ImageDefaults(img.config().entrypoint(),
                img.config().cmd(), img.config().env(), img.config().workingDir(), img.config().user()),
                new ProcessSpecResolver.Overrides(null, List.of(), List.of(), List.of(), null, null), k -> null);
        SingleProgramImage.Result r = SingleProgramImage.build(store, new SingleProgramImage.Request(LS_IMAGE, p, List.of("/data"),
                "kapsel-test/ls-uk:1", kernel, INIT), Progress.QUIET);
        Map<String, Object> files = initramfs(r.image());
        for (String f : lddFiles("/bin/ls")) {
            assertTrue(files.containsKey(f.substring(1)), f + " is in " + files.keySet());
        }
        assertArrayEquals("/bin/ls\0-l\0/data\0".getBytes(StandardCharsets.UTF_8), (byte[]) ((Object[]) files.get("kapsel/argv"))[1]);
        assertEquals(0600, ((Object[]) files.get("data/b.txt"))[0], "modes are kept");
        long regular = files.values().stream().filter(v -> v instanceof Object[]).count();
        assertEquals(lddFiles("/bin/ls").size() + 2 + 4, regular, "ls, its libraries, the two data files, init and kapsel/{argv,env,cwd}: "
                + files.keySet());
    }

    @Test
    void aProgramTheImageLacksIsRefusedNamingThePath() {
        ElfDependencies.ElfException e = assertThrows(ElfDependencies.ElfException.class, () -> build(BusyboxImage.NAME,
                List.of("python3"), List.of(), List.of(), "kapsel-test/none:1"));
        assertTrue(e.getMessage().contains("python3 is in none of the image's PATH"), e.getMessage());
        assertTrue(assertDoesNotThrow(() -> store.list()).stream().noneMatch(i -> i.name().equals("kapsel-test/none:1")), "nothing stored");
    }
}
