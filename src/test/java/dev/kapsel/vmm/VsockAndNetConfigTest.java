package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VsockAndNetConfigTest {
    @Test
    void vsockTakesAPathAndAnOptionalCid() {
        assertEquals(new VsockConfig(Path.of("/run/v.sock"), 3), VsockConfig.parse("uds=/run/v.sock"));
        assertEquals(new VsockConfig(Path.of("/run/v.sock"), 42), VsockConfig.parse("uds=/run/v.sock,cid=42"));
        assertThrows(IllegalArgumentException.class, () -> VsockConfig.parse("cid=42"));
        assertThrows(IllegalArgumentException.class, () -> VsockConfig.parse("uds=/x,cid=2"));
        assertThrows(IllegalArgumentException.class, () -> VsockConfig.parse("uds=/x,cid=many"));
        assertThrows(IllegalArgumentException.class, () -> VsockConfig.parse("uds=/x,port=5"));
    }

    @Test
    void netTakesATapAndAnOptionalMac() {
        NetConfig plain = NetConfig.parse("tap=kt0", 1);
        assertEquals("kt0", plain.tap());
        assertArrayEquals(new byte[] {6, 0, (byte) 0xac, 0x10, 0, 3}, plain.mac());
        NetConfig mac = NetConfig.parse("tap=kt0,mac=52:54:00:aB:cd:EF", 0);
        assertArrayEquals(new byte[] {0x52, 0x54, 0, (byte) 0xab, (byte) 0xcd, (byte) 0xef}, mac.mac());
        assertThrows(IllegalArgumentException.class, () -> NetConfig.parse("mac=52:54:00:ab:cd:ef", 0));
        assertThrows(IllegalArgumentException.class, () -> NetConfig.parse("tap=kt0,mac=01:00:00:00:00:01", 0)); // multicast
        assertThrows(IllegalArgumentException.class, () -> NetConfig.parse("tap=kt0,mac=52:54:00", 0));
        assertThrows(IllegalArgumentException.class, () -> NetConfig.parse("tap=a-very-long-name0", 0));
    }
}
