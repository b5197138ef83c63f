package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DiskConfigTest {
    @Test
    void parsesPathAndReadOnlyFlag() {
        assertEquals(new DiskConfig(Path.of("/img/root.ext4"), false), DiskConfig.parse("/img/root.ext4"));
        assertEquals(new DiskConfig(Path.of("/img/data.img"), true), DiskConfig.parse("/img/data.img,ro"));
        assertEquals(new DiskConfig(Path.of("a,b"), false), DiskConfig.parse("a,b,rw"));
    }

    @Test
    void rejectsUnknownOptionsAndEmptyPaths() {
        assertThrows(IllegalArgumentException.class, () -> DiskConfig.parse("/img/x,rox"));
        assertThrows(IllegalArgumentException.class, () -> DiskConfig.parse(",ro"));
    }
}
