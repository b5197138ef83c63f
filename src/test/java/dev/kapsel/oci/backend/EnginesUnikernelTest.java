package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.kapsel.oci.backend.PodmanWithKapsel.ok;

import dev.kapsel.testing.Guest;
import dev.kapsel.testing.TestKernels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * podman runs unikernel images through kapsel on this host's KVM (the project's test kernels need no
 * guest Linux): an image whose root holds urunc's {@code /urunc.json} boots its kernel with no annotation
 * at all, and kapsel's annotations given to {@code podman run --annotation} choose the kernel and command
 * line of an image that carries neither; the guest's end is the container's exit status.
 */
class EnginesUnikernelTest {
    private static final String URUNC_IMAGE = "localhost/kapsel-unikernel-urunc:latest";
    private static final String BARE_IMAGE = "localhost/kapsel-unikernel-bare:latest";
    @TempDir
    static Path work;
    private static PodmanWithKapsel podman;

    @BeforeAll
    static void images() throws Exception {
        podman = PodmanWithKapsel.onHost(work);
        importRoot("urunc-root", URUNC_IMAGE, """
                {"com.urunc.unikernel.binary": "%s", "com.urunc.unikernel.cmdline": "%s"}"""
                .formatted(b64("/unikernel/kernel.elf"), b64("booted by podman")));
        importRoot("bare-root", BARE_IMAGE, null);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A root with /unikernel/kernel.elf (the PVH test kernel) and, when given, /urunc.json, imported as {@code name}. */
    private static void importRoot(String dir, String name, String uruncJson) throws Exception {
        Path root = Files.createDirectories(work.resolve(dir).resolve("unikernel"));
        Files.copy(TestKernels.pvh(), root.resolve("kernel.elf"));
        if (uruncJson != null) {
            Files.writeString(work.resolve(dir).resolve("urunc.json"), uruncJson);
        }
        Path tar = work.resolve(dir + ".tar");
        ok(Guest.run(List.of("tar", "-C", work.resolve(dir).toString(), "-cf", tar.toString(), ".")));
        ok(podman.run("import", "--change", "CMD [\"/unikernel/kernel.elf\"]", tar.toString(), name));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (podman != null) {
            podman.run("rm", "-f", "-a");
        }
    }

    @Test
    void anImageWithUruncJsonBootsItsKernel() throws Exception {
        Guest.Result r = podman.run("run", "--rm", "--network", "none", URUNC_IMAGE);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("kapsel-test-kernel pvh"), r.toString());
        assertTrue(r.stdout().contains("cmdline 'booted by podman'"), r.toString());
        assertTrue(r.stdout().contains("exit poweroff"), r.toString());
    }

    @Test
    void annotationsChooseTheKernelAndAResetIsExit80() throws Exception {
        Guest.Result r = podman.run("run", "--rm", "--network", "none", "--annotation", "dev.kapsel.unikernel.kernel=/unikernel/kernel.elf",
                "--annotation", "dev.kapsel.unikernel.cmdline=exit=reset", BARE_IMAGE);
        assertEquals(80, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("cmdline 'exit=reset'"), r.toString());
        assertTrue(r.stdout().contains("exit reset"), r.toString());
    }
}
