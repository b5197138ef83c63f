package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.Guest;
import dev.kapsel.testing.OciLayout;
import dev.kapsel.testing.TestKernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unikernel images run as containers on this host's KVM, with the project's own test kernels (each
 * prints its boot information and powers off): {@code kapsel run} of an image labelled with kapsel's
 * keys boots it without being told, urunc's {@code /urunc.json} (base64 values) is read with
 * {@code --isolation=unikernel}, arguments replace the command line, the guest's end is the exit
 * status, and the OCI verbs ({@code kapsel-runc run}) boot a bundle whose root holds a urunc.json.
 */
class UnikernelRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LABELLED = "kapsel-test/unikernel-pvh:1";
    static final String URUNC = "kapsel-test/unikernel-urunc:1";
    static final String PLAIN = "kapsel-test/not-a-unikernel:1";
    private static final String MODULE = "the-unikernel's-initrd";

    @TempDir
    static Path state;

    @BeforeAll
    static void loadImages() throws Exception {
        ImageStore store = ImageStore.open(state.resolve("images"));
        store.load(OciLayout.write(state.resolve("labelled"), LABELLED, layer(TestKernels.pvh(), null), """
                {"Labels": {"dev.kapsel.unikernel.kernel": "/unikernel/kernel.elf", "dev.kapsel.unikernel.cmdline": "from the label",
                            "dev.kapsel.unikernel.initrd": "/unikernel/initrd"}}"""), null);
        store.load(OciLayout.write(state.resolve("urunc"), URUNC, layer(TestKernels.multiboot(), uruncJson(Map.of(
                "com.urunc.unikernel.binary", "/unikernel/kernel.elf", "com.urunc.unikernel.cmdline", "urunc line exit=reset",
                "com.urunc.unikernel.unikernelType", "unikraft", "com.urunc.unikernel.hypervisor", "qemu"))), "{}"), null);
        store.load(OciLayout.write(state.resolve("plain"), PLAIN, layer(TestKernels.elf64(), null), "{\"Cmd\": [\"/unikernel/kernel.elf\"]}"),
                null);
    }

    private static byte[] uruncJson(Map<String, String> values) throws IOException {
        Map<String, String> encoded = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return JSON.writeValueAsBytes(encoded);
    }

    /** A layer with /unikernel/kernel.elf, /unikernel/initrd and, when given, /urunc.json. */
    private static byte[] layer(Path kernel, byte[] uruncJson) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry dir = new TarArchiveEntry("unikernel/");
            dir.setMode(0755);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            OciLayout.file(tar, "unikernel/kernel.elf", 0644, Files.readAllBytes(kernel));
            OciLayout.file(tar, "unikernel/initrd", 0644, MODULE.getBytes(StandardCharsets.UTF_8));
            if (uruncJson != null) {
                OciLayout.file(tar, "urunc.json", 0644, uruncJson);
            }
        }
        return out.toByteArray();
    }

    private static Guest.Result kapsel(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()));
    }

    @Test
    void aLabelledImageBootsAsAUnikernelWithItsCmdlineAndInitrd() throws Exception {
        Guest.Result r = kapsel("run", LABELLED);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("kapsel-test-kernel pvh\n"), r.toString());
        assertTrue(r.stdout().contains("cmdline 'from the label'\n"), r.toString());
        assertTrue(r.stdout().matches("(?s).*\nmodule 0x[0-9a-f]+ 0x" + Integer.toHexString(MODULE.length()) + " '" + MODULE + "'.*"),
                r.toString());
        assertTrue(r.stdout().endsWith("exit poweroff\n"), r.toString());
        assertFalse(r.stdout().contains("FAIL"), r.toString());
    }

    @Test
    void argumentsAfterTheImageReplaceItsCommandLine() throws Exception {
        Guest.Result r = kapsel("run", "--memory", "64", LABELLED, "first", "second=2");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("cmdline 'first second=2'\n"), r.toString());
        assertTrue(r.stdout().contains("memmap 0x100000 0x3f00000 1\n"), "--memory sizes the VM: " + r);
    }

    @Test
    void uruncsJsonIsReadAndAResetIsExit80() throws Exception {
        Guest.Result r = kapsel("run", "--isolation=unikernel", URUNC);
        assertEquals(80, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("kapsel-test-kernel multiboot\n"), r.toString());
        assertTrue(r.stdout().contains("cmdline 'urunc line exit=reset'\n"), r.toString());
        assertTrue(r.stdout().endsWith("exit reset\n"), r.toString());
        assertTrue(r.stderr().contains("rebooted"), "the end is explained: " + r);
    }

    @Test
    void aUnikernelIsNotRunAsAnotherIsolationNorAnImageAsAUnikernel() throws Exception {
        Guest.Result asVm = kapsel("run", "--isolation=vm", LABELLED);
        assertEquals(125, asVm.exitCode(), asVm.toString());
        assertTrue(asVm.stderr().contains("is a unikernel"), asVm.toString());
        Guest.Result plain = kapsel("run", "--isolation=unikernel", PLAIN);
        assertEquals(125, plain.exitCode(), plain.toString());
        assertTrue(plain.stderr().contains("is not a unikernel"), plain.toString());
        Guest.Result flags = kapsel("run", "-e", "A=1", LABELLED);
        assertEquals(125, flags.exitCode(), flags.toString());
        assertTrue(flags.stderr().contains("a unikernel takes no"), flags.toString());
    }

    @Test
    void aDetachedUnikernelLogsItsConsoleAndIsRemoved() throws Exception {
        Guest.Result started = kapsel("run", "-d", "--name", "uk-detached", LABELLED, "detached line");
        assertEquals(0, started.exitCode(), started.toString());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        Guest.Result logs;
        do {
            Thread.sleep(200);
            logs = kapsel("logs", "uk-detached");
        } while (!logs.stdout().contains("exit poweroff") && System.nanoTime() < deadline);
        assertTrue(logs.stdout().contains("cmdline 'detached line'\n") && logs.stdout().contains("exit poweroff\n"), logs.toString());
        Guest.Result ps = kapsel("ps", "-a");
        assertTrue(ps.stdout().contains("uk-detached"), ps.toString());
        Guest.Result rm = kapsel("rm", "uk-detached");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertFalse(kapsel("ps", "-a").stdout().contains("uk-detached"), "removed");
    }

    @Test
    void theOciVerbsBootABundleWhoseRootHoldsUruncJson() throws Exception {
        Path bundle = state.resolve("bundle");
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs/unikernel"));
        Files.copy(TestKernels.pvh(), rootfs.resolve("kernel.elf"));
        Files.write(bundle.resolve("rootfs/urunc.json"), uruncJson(Map.of("com.urunc.unikernel.binary", "/unikernel/kernel.elf",
                "com.urunc.unikernel.cmdline", "from urunc.json")));
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
                 "process": {"args": ["/unikernel/kernel.elf"], "cwd": "/", "env": ["PATH=/bin"]}}""");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Dkapsel.program=kapsel-runc", "-cp", System.getProperty("java.class.path"),
                "dev.kapsel.cli.Main", "--root", state.resolve("oci-root").toString(), "run", "--bundle", bundle.toString(), "uk1");
        Guest.Result r = Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("kapsel-test-kernel pvh\n"), r.toString());
        assertTrue(r.stdout().contains("cmdline 'from urunc.json'\n"), r.toString());
        assertTrue(r.stdout().endsWith("exit poweroff\n"), r.toString());
    }
}
