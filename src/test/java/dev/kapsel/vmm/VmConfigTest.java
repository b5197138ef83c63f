package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VmConfigTest {
    private static final Path KERNEL = Path.of("k");

    private static List<DiskConfig> disks(int n) {
        return Collections.nCopies(n, new DiskConfig(Path.of("x"), false));
    }

    @Test
    void theVirtioDeviceBoundCountsEveryKind() {
        int max = VmConfig.MAX_VIRTIO_DEVICES;
        assertDoesNotThrow(() -> new VmConfig(KERNEL, Optional.empty(), "", 1, 64, disks(max), false));
        assertDoesNotThrow(() -> new VmConfig(KERNEL, Optional.empty(), "", 1, 64, disks(max - 1), true));
        // one over the bound, made of disks alone and of disks plus rng
        assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(KERNEL, Optional.empty(), "", 1, 64, disks(max + 1), false));
        assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(KERNEL, Optional.empty(), "", 1, 64, disks(max), true));
    }

    @Test
    void vcpusAndMemoryAreBoundedAtBothEnds() {
        assertDoesNotThrow(() -> new VmConfig(KERNEL, Optional.empty(), "", VmConfig.MAX_VCPUS, VmConfig.MIN_MEMORY_MIB));
        assertThrows(IllegalArgumentException.class, () -> new VmConfig(KERNEL, Optional.empty(), "", 0, 64));
        assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(KERNEL, Optional.empty(), "", VmConfig.MAX_VCPUS + 1, 64));
        assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(KERNEL, Optional.empty(), "", 1, VmConfig.MIN_MEMORY_MIB - 1));
        assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(KERNEL, Optional.empty(), "", 1, VmConfig.MAX_MEMORY_MIB + 1));
        assertThrows(IllegalArgumentException.class, () -> new VmConfig(KERNEL, Optional.empty(), "a\0b", 1, 64));
    }
}
