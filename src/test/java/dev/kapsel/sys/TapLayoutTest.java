package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Tap}'s hand-written struct ifreq layout, flags, TUNSET* numbers and TUN_F_* offload flags against linux/if_tun.h through gcc. */
class TapLayoutTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/ioctl.h>
            #include <net/if.h>
            #include <linux/if_tun.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              V("IFREQ_SIZE", sizeof(struct ifreq));
              V("IFNAMSIZ", IFNAMSIZ);
              V("IFREQ_FLAGS", offsetof(struct ifreq, ifr_flags));
              V("IFF_TAP", IFF_TAP);
              V("IFF_NO_PI", IFF_NO_PI);
              V("IFF_VNET_HDR", IFF_VNET_HDR);
              V("TUNSETIFF", TUNSETIFF);
              V("TUNSETOFFLOAD", TUNSETOFFLOAD);
              V("TUNSETPERSIST", TUNSETPERSIST);
              V("TUNSETVNETHDRSZ", TUNSETVNETHDRSZ);
              V("TUN_F_CSUM", TUN_F_CSUM);
              V("TUN_F_TSO4", TUN_F_TSO4);
              V("TUN_F_TSO6", TUN_F_TSO6);
              return 0;
            }
            """;

    private static Map<String, Long> HEADERS;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        HEADERS = CProgram.printedValues(SOURCE, dir);
    }

    @Test
    void layoutAndIoctlNumbersMatchTheKernelHeaders() {
        assertEquals(HEADERS.get("IFREQ_SIZE"), Tap.IFREQ_SIZE);
        assertEquals(HEADERS.get("IFNAMSIZ"), (long) Tap.IFNAMSIZ);
        assertEquals(HEADERS.get("IFREQ_FLAGS"), Tap.IFREQ_FLAGS);
        assertEquals(HEADERS.get("IFF_TAP"), (long) Tap.IFF_TAP);
        assertEquals(HEADERS.get("IFF_NO_PI"), (long) Tap.IFF_NO_PI);
        assertEquals(HEADERS.get("IFF_VNET_HDR"), (long) Tap.IFF_VNET_HDR);
        assertEquals(HEADERS.get("TUNSETIFF"), Tap.TUNSETIFF);
        assertEquals(HEADERS.get("TUNSETOFFLOAD"), Tap.TUNSETOFFLOAD);
        assertEquals(HEADERS.get("TUNSETPERSIST"), Tap.TUNSETPERSIST);
        assertEquals(HEADERS.get("TUNSETVNETHDRSZ"), Tap.TUNSETVNETHDRSZ);
        assertEquals(HEADERS.get("TUN_F_CSUM"), (long) Tap.TUN_F_CSUM);
        assertEquals(HEADERS.get("TUN_F_TSO4"), (long) Tap.TUN_F_TSO4);
        assertEquals(HEADERS.get("TUN_F_TSO6"), (long) Tap.TUN_F_TSO6);
    }

    @Test
    void namesThatDoNotFitIfnamsizAreRefusedBeforeAnySyscall() {
        assertThrows(IllegalArgumentException.class, () -> Tap.open("a-name-of-16-chr", 12));
        assertThrows(IllegalArgumentException.class, () -> Tap.open("", 12));
    }
}
