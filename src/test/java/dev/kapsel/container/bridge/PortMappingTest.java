package dev.kapsel.container.bridge;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.container.bridge.PortMapping.Protocol;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code -p} values as Docker and Podman write them, and the ones they refuse. */
class PortMappingTest {
    @Test
    void theFormsDockerAccepts() {
        PortMapping plain = PortMapping.parse("8080:80");
        assertNull(plain.hostAddress());
        assertEquals(8080, plain.hostPort());
        assertEquals(80, plain.containerPort());
        assertEquals(Protocol.TCP, plain.protocol());
        assertEquals(new PortMapping(InetAddress.ofLiteral("127.0.0.1"), 53, 5353, Protocol.UDP), PortMapping.parse("127.0.0.1:53:5353/udp"));
        assertEquals(new PortMapping(InetAddress.ofLiteral("::1"), 443, 8443, Protocol.TCP), PortMapping.parse("[::1]:443:8443/tcp"));
        assertEquals("[0:0:0:0:0:0:0:1]:443:8443/tcp", PortMapping.parse("[::1]:443:8443").toString());
        assertEquals("10.0.0.1:1:65535/udp", PortMapping.parse("10.0.0.1:1:65535/udp").toString());
    }

    @Test
    void badSpecsAreOneErrorNamingTheSpecAndTheCause() {
        assertEquals("published port '8080': expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]", message("8080"));
        assertEquals("published port '0:80': host port 0 is outside 1..65535", message("0:80"));
        assertEquals("published port '80:65536': container port 65536 is outside 1..65535", message("80:65536"));
        assertEquals("published port '80:80/sctp': protocol 'sctp' is neither tcp nor udp", message("80:80/sctp"));
        assertEquals("published port 'x:80': host port 'x' is not a number", message("x:80"));
        assertEquals("published port 'localhost:80:80': 'localhost' is not a numeric IP address", message("localhost:80:80"));
        assertEquals("published port '[10.0.0.1]:80:80': brackets are for IPv6 addresses", message("[10.0.0.1]:80:80"));
        assertEquals("published port '[::1:80:80': an IPv6 host address must be written [ADDRESS]:HOSTPORT:CONTAINERPORT",
                message("[::1:80:80"));
        assertEquals("published port '1:2:3:4': expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]", message("1:2:3:4"));
        assertEquals("published port '99999999999:80': host port '99999999999' is not a number", message("99999999999:80"));
    }

    @Test
    void overlappingHostPortsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PortMapping.requireDisjoint(List.of(PortMapping.parse("8080:80"), PortMapping.parse("127.0.0.1:8080:81"))));
        assertEquals("host port 8080/tcp is published twice", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PortMapping.requireDisjoint(List.of(PortMapping.parse("127.0.0.1:8080:81"), PortMapping.parse("8080:80"))));
        assertThrows(IllegalArgumentException.class,
                () -> PortMapping.requireDisjoint(List.of(PortMapping.parse("10.0.0.1:53:53/udp"), PortMapping.parse("10.0.0.1:53:54/udp"))));
        assertDoesNotThrow(() -> PortMapping.requireDisjoint(List.of(PortMapping.parse("8080:80"), PortMapping.parse("8080:80/udp"),
                PortMapping.parse("127.0.0.1:9090:90"), PortMapping.parse("127.0.0.2:9090:90"))));
    }

    private static String message(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> PortMapping.parse(spec)).getMessage();
    }
}
