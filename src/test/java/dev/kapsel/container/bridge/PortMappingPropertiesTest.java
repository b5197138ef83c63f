package dev.kapsel.container.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Every {@code -p} spec kapsel prints parses back to itself; any other string is one error naming it, never another exception. */
class PortMappingPropertiesTest {
    @Property(tries = 500)
    void aMappingsTextParsesBackToIt(@ForAll @IntRange(min = 1, max = 65535) int host, @ForAll @IntRange(min = 1, max = 65535) int container,
                                     @ForAll boolean udp, @ForAll @IntRange(min = 0, max = 2) int address) {
        String ip = switch (address) {
            case 0 -> "";
            case 1 -> "127.0.0.1:";
            default -> "[::1]:";
        };
        String spec = ip + host + ":" + container + (udp ? "/udp" : "");
        PortMapping p = PortMapping.parse(spec);
        assertEquals(host, p.hostPort());
        assertEquals(container, p.containerPort());
        assertEquals(p, PortMapping.parse(p.toString()));
    }

    @Property(tries = 2000)
    void anythingElseIsOneErrorNamingTheSpec(@ForAll String junk) {
        try {
            PortMapping p = PortMapping.parse(junk);
            assertEquals(p, PortMapping.parse(p.toString()));
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("published port '" + junk + "': "), e.getMessage());
        }
    }
}
