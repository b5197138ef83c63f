package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.vmm.BalloonConfig;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.VmExitStatus;
import dev.kapsel.vmm.VsockConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code kapsel vm run} device-flag syntax, and the exit codes that command maps each VM end to. */
class VmDeviceOptionsTest {
    @Test
    void diskTakesAPathAndAReadOnlyFlag() {
        assertEquals(new DiskConfig(Path.of("/img/root.ext4"), false), VmDeviceOptions.disk("/img/root.ext4"));
        assertEquals(new DiskConfig(Path.of("/img/data.img"), true), VmDeviceOptions.disk("/img/data.img,ro"));
        assertEquals(new DiskConfig(Path.of("a,b"), false), VmDeviceOptions.disk("a,b,rw"));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.disk("/img/x,rox"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.disk(",ro"));
        assertTrue(e.getMessage().startsWith("--disk"), e.getMessage());
    }

    @Test
    void vsockTakesAPathAndAnOptionalCid() {
        assertEquals(new VsockConfig(Path.of("/run/v.sock"), 3), VmDeviceOptions.vsock("uds=/run/v.sock"));
        assertEquals(new VsockConfig(Path.of("/run/v.sock"), 42), VmDeviceOptions.vsock("uds=/run/v.sock,cid=42"));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.vsock("cid=42"));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.vsock("uds=/x,cid=2"));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.vsock("uds=/x,cid=many"));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.vsock("uds=/x,port=5"));
    }

    @Test
    void netTakesATapAndAnOptionalMac() {
        NetConfig plain = VmDeviceOptions.net("tap=kt0", 1);
        assertEquals("kt0", plain.tap());
        assertArrayEquals(new byte[] {6, 0, (byte) 0xac, 0x10, 0, 3}, plain.mac());
        NetConfig mac = VmDeviceOptions.net("tap=kt0,mac=52:54:00:aB:cd:EF", 0);
        assertArrayEquals(new byte[] {0x52, 0x54, 0, (byte) 0xab, (byte) 0xcd, (byte) 0xef}, mac.mac());
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.net("mac=52:54:00:ab:cd:ef", 0));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.net("tap=kt0,mac=01:00:00:00:00:01", 0)); // multicast
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.net("tap=kt0,mac=52:54:00", 0));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.net("tap=a-very-long-name0", 0));
    }

    @Test
    void balloonTakesASizeAndDeflateOnOom() {
        assertEquals(new BalloonConfig(64, false), VmDeviceOptions.balloon("64"));
        assertTrue(VmDeviceOptions.balloon("0,deflate-on-oom").deflateOnOom());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.balloon("lots"));
        assertTrue(e.getMessage().contains("MIB[,deflate-on-oom]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.balloon("64,stats"));
        assertTrue(e.getMessage().contains("unknown option 'stats'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.balloon("-1"));
    }

    @Test
    void everyVmEndHasItsOwnExitCodeOutsideTheReservedOnes() {
        Set<Integer> codes = new HashSet<>();
        for (VmExitStatus s : VmExitStatus.values()) {
            int code = VmLauncher.exitCode(s);
            assertTrue(codes.add(code), s + " shares code " + code);
            assertTrue(code == 0 || code >= 80 && code < 128, s + ": " + code);
        }
        assertEquals(0, VmLauncher.exitCode(VmExitStatus.POWER_OFF));
        assertEquals(81, VmLauncher.exitCode(VmExitStatus.PANIC));
    }
}
