package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.Guest;
import dev.kapsel.testing.TestKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kapsel vm run} boots the project's test kernels, one per boot protocol, on this host's KVM (they
 * are a few thousand instructions: the host's emulated CPL0 runs them in well under a second) and each
 * prints back what its protocol handed it: the magic, the command line, the memory map (the e820 map of
 * a 64 MiB VM), the initrd as a module, the ACPI RSDP, that the in-kernel PIT counts and that an unclaimed
 * port reads 0. Then it powers off (exit 0) or, with {@code exit=reset}, resets through the i8042 (exit 80).
 */
class VmRunUnikernelTest {
    @TempDir
    static Path dir;

    private static final String MODULE_TEXT = "module-for-the-test-kernel";

    private static Guest.Result vmRun(Path kernel, String cmdline, String... more) throws Exception {
        Path module = dir.resolve("module.txt");
        Files.writeString(module, MODULE_TEXT);
        List<String> args = new ArrayList<>(List.of("vm", "run", "--kernel", kernel.toString(), "--memory", "64",
                "--initrd", module.toString(), "--cmdline", cmdline));
        args.addAll(List.of(more));
        return Guest.kapsel(args.toArray(String[]::new));
    }

    private static Path kernel(String name) {
        return switch (name) {
            case "pvh" -> TestKernels.pvh();
            case "multiboot" -> TestKernels.multiboot();
            case "multiboot-aout" -> TestKernels.multibootAout();
            case "elf64" -> TestKernels.elf64();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"pvh", "multiboot", "multiboot-aout", "elf64"})
    void eachProtocolHandsTheKernelItsBootInformation(String name) throws Exception {
        Guest.Result r = vmRun(kernel(name), "first second=2");
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.stdout();
        String protocol = name.startsWith("multiboot") ? "multiboot" : name;
        assertTrue(out.startsWith("kapsel-test-kernel " + protocol + "\n"), out);
        String magic = switch (protocol) {
            case "pvh" -> "magic 0x336ec578\n";
            case "multiboot" -> "magic 0x2badb002\n";
            default -> "magic 0x53726448\n"; // the zero page's "HdrS"
        };
        assertTrue(out.contains(magic), out);
        assertTrue(out.contains("cmdline 'first second=2'\n"), out);
        assertTrue(out.contains("memmap 0x0 0x9fc00 1\nmemmap 0x9fc00 0x60400 2\nmemmap 0x100000 0x3f00000 1\n"), out);
        assertTrue(out.matches("(?s).*\nmodule 0x[0-9a-f]+000 0x1a '" + MODULE_TEXT + "'.*"), out);
        assertTrue(out.contains("pit counting\n"), out);
        assertTrue(out.contains("port-0x71 0x0\n"), out);
        assertTrue(out.endsWith("exit poweroff\n"), out);
        assertFalse(out.contains("FAIL"), out);
        if (!protocol.equals("multiboot")) {
            assertTrue(out.contains("rsdp 0xe0000\n"), out);
        } else {
            assertTrue(out.contains("loader 'kapsel'\n"), out);
            assertTrue(out.contains("mem lower 639 upper 64512\n"), out);
            assertTrue(out.contains("'" + MODULE_TEXT + "' 'initrd'\n"), out);
        }
    }

    @Test
    void theI8042ResetEndsTheVmWithTheRebootCode() throws Exception {
        Guest.Result r = vmRun(TestKernels.multiboot(), "exit=reset");
        assertEquals(80, r.exitCode(), r.toString());
        assertTrue(r.stdout().endsWith("exit reset\n"), r.toString());
    }

    @Test
    void anEmptyCommandLineStillHasAPointerForTheElf64Entry() throws Exception {
        Guest.Result r = vmRun(TestKernels.elf64(), "");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("cmdline ''\n"), r.toString());
    }

    @Test
    void virtioDevicesAreAnnouncedOnTheCommandLineWhenAsked() throws Exception {
        Guest.Result r = vmRun(TestKernels.pvh(), "app", "--rng", "--virtio-mmio-cmdline");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("cmdline 'app virtio_mmio.device=4K@0xd0000000:5'\n"), r.toString());
    }

    @Test
    void aForcedProtocolTheKernelLacksIsOneLineAndTheSetupCode() throws Exception {
        Guest.Result r = vmRun(TestKernels.pvh(), "", "--boot-protocol", "multiboot");
        assertEquals(84, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("no multiboot header"), r.toString());
        assertFalse(r.stderr().contains("Exception"), r.toString());
        Guest.Result bad = vmRun(TestKernels.pvh(), "", "--boot-protocol", "uefi");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.stderr().contains("linux, pvh, multiboot, elf64"), bad.toString());
    }
}
