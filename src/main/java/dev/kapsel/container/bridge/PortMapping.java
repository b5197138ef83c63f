package dev.kapsel.container.bridge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One published port, as Docker's and Podman's {@code -p [IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]} write
 * it: connections to {@code hostPort} on {@code hostAddress} (null: every address of the host) go to
 * {@code containerPort} in the container. An IPv6 host address is written in brackets,
 * {@code [::1]:8080:80}.
 */
public record PortMapping(InetAddress hostAddress, int hostPort, int containerPort, Protocol protocol) {
    public enum Protocol {
        TCP, UDP;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PortMapping {
        requirePort("host port", hostPort);
        requirePort("container port", containerPort);
        if (protocol == null) {
            throw new IllegalArgumentException("a published port needs a protocol");
        }
    }

    private static void requirePort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " " + port + " is outside 1..65535");
        }
    }

    /** Parses one {@code -p} value; a bad one is one error naming it and why. */
    public static PortMapping parse(String spec) {
        String s = spec.strip();
        Protocol protocol = Protocol.TCP;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            protocol = switch (p) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> throw bad(spec, "protocol '" + p + "' is neither tcp nor udp");
            };
            s = s.substring(0, slash);
        }
        InetAddress address = null;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw bad(spec, "an IPv6 host address must be written [ADDRESS]:HOSTPORT:CONTAINERPORT");
            }
            address = literal(spec, s.substring(1, close));
            if (!(address instanceof Inet6Address)) {
                throw bad(spec, "brackets are for IPv6 addresses");
            }
            s = s.substring(close + 2);
        }
        String[] parts = s.split(":", -1);
        if (address == null && parts.length == 3) {
            address = literal(spec, parts[0]);
            parts = new String[] {parts[1], parts[2]};
        }
        if (parts.length != 2) {
            throw bad(spec, "expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|udp]");
        }
        int host = port(spec, "host port", parts[0]);
        int container = port(spec, "container port", parts[1]);
        try {
            return new PortMapping(address, host, container, protocol);
        } catch (IllegalArgumentException e) {
            throw bad(spec, e.getMessage());
        }
    }

    private static int port(String spec, String what, String text) {
        if (!text.matches("[0-9]{1,5}")) {
            throw bad(spec, what + " '" + text + "' is not a number");
        }
        return Integer.parseInt(text);
    }

    private static InetAddress literal(String spec, String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw bad(spec, "'" + text + "' is not a numeric IP address");
        }
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("published port '" + spec + "': " + why);
    }

    /**
     * Refuses a list that publishes one host port twice for one protocol where the addresses overlap
     * (the same address, or either one being every address).
     */
    public static void requireDisjoint(List<PortMapping> ports) {
        Set<String> taken = new HashSet<>();
        for (PortMapping p : ports) {
            String any = p.hostPort() + "/" + p.protocol() + "@*";
            String one = p.hostPort() + "/" + p.protocol() + "@" + (p.hostAddress() == null ? "*" : p.hostAddress().getHostAddress());
            boolean clash = p.hostAddress() == null
                    ? taken.stream().anyMatch(t -> t.startsWith(p.hostPort() + "/" + p.protocol() + "@"))
                    : taken.contains(any) || taken.contains(one);
            if (clash) {
                throw new IllegalArgumentException("host port " + p.hostPort() + "/" + p.protocol() + " is published twice");
            }
            taken.add(one);
        }
    }

    /** As {@code docker ps} shows it: {@code 0.0.0.0:8080->80/tcp}. */
    public String published() {
        String host = hostAddress == null ? "0.0.0.0" : hostAddress instanceof Inet6Address
                ? "[" + hostAddress.getHostAddress() + "]" : hostAddress.getHostAddress();
        return host + ":" + hostPort + "->" + containerPort + "/" + protocol;
    }

    @Override
    public String toString() {
        String host = hostAddress == null ? "" : hostAddress instanceof Inet6Address
                ? "[" + hostAddress.getHostAddress() + "]:" : hostAddress.getHostAddress() + ":";
        return host + hostPort + ":" + containerPort + "/" + protocol;
    }
}
