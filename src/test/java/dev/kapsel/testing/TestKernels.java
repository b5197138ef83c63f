package dev.kapsel.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * kapsel's own unikernel test kernels, one per boot protocol, built by {@code src/test/c/unikernel/build.sh}
 * into {@code target/test-kernels} in the Maven build's generate-test-resources phase. Each prints its
 * boot information on COM1 and ends the VM: ACPI power-off, or the i8042 reset with {@code exit=reset}
 * on its command line.
 */
public final class TestKernels {
    private TestKernels() {}

    public static final Path DIR = Guest.REPO.resolve("target/test-kernels");

    /** ELF64 with the Xen PVH note. */
    public static Path pvh() {
        return file("pvh.elf");
    }

    /** ELF32 with a multiboot header. */
    public static Path multiboot() {
        return file("multiboot.elf");
    }

    /** A flat binary with a multiboot header using the a.out kludge. */
    public static Path multibootAout() {
        return file("multiboot-aout.bin");
    }

    /** ELF64 with neither: Firecracker's 64-bit entry. */
    public static Path elf64() {
        return file("elf64.elf");
    }

    public static Path file(String name) {
        Path p = DIR.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError(p + " is missing: build with mvn (src/test/c/unikernel/build.sh runs in generate-test-resources)");
        }
        return p;
    }
}
