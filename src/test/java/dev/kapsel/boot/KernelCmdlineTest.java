package dev.kapsel.boot;

import static org.junit.jupiter.api.Assertions.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelCmdlineTest {
    @Test
    void buildsSpaceSeparatedLine() throws Exception {
        KernelCmdline c = new KernelCmdline(100).append("console=ttyS0").put("reboot", "k").append("  panic=1 ")
                .put("init", "/bin/sh -c x");
        assertEquals("console=ttyS0 reboot=k panic=1 init=\"/bin/sh -c x\"", c.asString());
        byte[] bytes = c.toBytes();
        assertEquals(0, bytes[bytes.length - 1]);
        assertEquals(c.asString().length() + 1, bytes.length);
    }

    @Test
    void rejectsNonPrintableAndNul() {
        var e = assertThrows(CmdlineException.NonPrintable.class, () -> new KernelCmdline(100).append("a").append("b\0c"));
        assertEquals(3, e.index());
        assertThrows(CmdlineException.NonPrintable.class, () -> new KernelCmdline(100).append("tab\there"));
        assertThrows(CmdlineException.NonPrintable.class, () -> new KernelCmdline(100).append("caf\u00e9"));
    }

    @Test
    void rejectsTooLongAndKeepsPreviousContent() throws Exception {
        KernelCmdline c = new KernelCmdline(10).append("12345");
        var e = assertThrows(CmdlineException.TooLong.class, () -> c.append("67890"));
        assertEquals(11, e.length());
        assertEquals("12345", c.asString());
        c.append("678");
        assertEquals("12345 678", c.asString());
    }

    @Test
    void rejectsBadKeys() {
        assertThrows(CmdlineException.InvalidParameter.class, () -> new KernelCmdline(100).put("a b", "c"));
        assertThrows(CmdlineException.InvalidParameter.class, () -> new KernelCmdline(100).put("", "c"));
        assertThrows(CmdlineException.InvalidParameter.class, () -> new KernelCmdline(100).put("a", "\"q"));
    }

    @Test
    void sizedFromKernel() {
        var vmlinux = new LoadedKernel(KernelFormat.ELF_VMLINUX, 0, 0, 0, 0, Optional.empty());
        assertEquals(2048, KernelCmdline.forKernel(vmlinux).capacity());
    }

    @Test
    void writtenNulTerminatedAtLayoutCmdline() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            GuestMemory m = GuestMemory.allocate(arena, 1 << 20);
            m.fill(Layout.CMDLINE, 64, (byte) 'x');
            int len = new KernelCmdline(100).append("quiet").writeTo(m);
            assertEquals(5, len);
            assertArrayEquals("quiet\0".getBytes(), m.read(Layout.CMDLINE, 6));
        }
    }
}
