package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiskConfigTest {
    @Test
    void vmConfigBoundsTheNumberOfVirtioDevices() {
        DiskConfig d = new DiskConfig(Path.of("x"), false);
        var tooMany = Collections.nCopies(VmConfig.MAX_VIRTIO_DEVICES, d);
        assertDoesNotThrow(() -> new VmConfig(Path.of("k"), Optional.empty(), "", 1, 64, tooMany, false));
        assertThrows(IllegalArgumentException.class, () -> new VmConfig(Path.of("k"), Optional.empty(), "", 1, 64, tooMany, true));
    }
}
