package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.boot.KernelLoadException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VM set-up failures: one case per cause, the cause kept, and messages that name config fields, never CLI flags. */
class VmSetupExceptionTest {
    @TempDir
    Path dir;

    private static void namesNoFlag(Exception e) {
        assertFalse(e.getMessage().contains("--"), e.getMessage());
    }

    @Test
    void aDeviceFailureNamesTheFieldItsIndexAndKeepsTheCause() {
        IOException cause = new IOException("No such file or directory");
        VmSetupException.Device e = new VmSetupException.Device("disks", 0, "/x.img: cannot open the image", cause);
        assertEquals("disks[0] /x.img: cannot open the image: No such file or directory", e.getMessage());
        assertEquals("disks", e.kind());
        assertEquals(0, e.index());
        assertSame(cause, e.getCause());
        assertEquals("vsock uds /s: cannot listen there: in use",
                new VmSetupException.Device("vsock", -1, "uds /s: cannot listen there", new IOException("in use")).getMessage());
    }

    @Test
    void aMissingKernelIsTheKernelCase() throws Exception {
        VmConfig config = new VmConfig(dir.resolve("vmlinux"), Optional.empty(), "", 1, 32);
        VmSetupException e = assertThrows(VmSetupException.class, () -> VmBuilder.build(config, OutputStream.nullOutputStream()));
        assertInstanceOf(VmSetupException.Kernel.class, e);
        assertInstanceOf(KernelLoadException.NotFound.class, e.getCause());
        assertEquals("kernel " + dir.resolve("vmlinux") + ": no such kernel image file", e.getMessage());
        namesNoFlag(e);
    }

    @Test
    void aMissingDiskNamesDisksAndItsIndex() {
        VmConfig config = new VmConfig(dir.resolve("vmlinux"), Optional.empty(), "", 1, 32,
                List.of(new DiskConfig(dir.resolve("x.img"), false)), false);
        VmSetupException.Device e = assertThrows(VmSetupException.Device.class,
                () -> VmBuilder.build(config, OutputStream.nullOutputStream(), new RealModePayload()));
        assertTrue(e.getMessage().startsWith("disks[0] " + dir.resolve("x.img") + ": cannot open the image"), e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
        namesNoFlag(e);
    }

    @Test
    void configChecksNameTheFields() {
        IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(Path.of("k"), Optional.empty(), "", 1, 16));
        assertEquals("memory 16 MiB is below 32 MiB", memory.getMessage());
        IllegalArgumentException vcpus = assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(Path.of("k"), Optional.empty(), "", 0, 64));
        assertTrue(vcpus.getMessage().startsWith("vcpus 0 "), vcpus.getMessage());
        namesNoFlag(memory);
        namesNoFlag(vcpus);
    }
}
