package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The records check their own fields and name those fields, not the CLI flags that may have filled them. */
class VsockAndNetConfigTest {
    @Test
    void vsockRejectsReservedCids() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VsockConfig(Path.of("/x"), 2));
        assertTrue(e.getMessage().startsWith("vsock guestCid"), e.getMessage());
        assertDoesNotThrow(() -> new VsockConfig(Path.of("/x"), 3));
    }

    @Test
    void netRejectsBadTapNamesAndMulticastMacs() {
        byte[] mac = {6, 0, (byte) 0xac, 0x10, 0, 2};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NetConfig("a-very-long-name0", mac));
        assertTrue(e.getMessage().startsWith("net tap"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NetConfig("kt0", new byte[] {1, 0, 0, 0, 0, 1}));
        assertTrue(e.getMessage().startsWith("net mac"), e.getMessage());
        assertEquals("kt0", new NetConfig("kt0", mac).tap());
    }
}
