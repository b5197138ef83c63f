package dev.kapsel.container;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One network interface of the guest: how it is attached on the host (the tap {@code tap}, in the
 * launch's network namespace, whose frames are redirected to and from the namespace's {@code link},
 * the engine's veth) and what the guest's agent configures on it before the container's process
 * starts (MTU, addresses, routes, neighbours). The guest NIC has {@code mac}, the veth's own, so
 * that what the engine recorded for the container (ARP entries, DHCP leases) stays true.
 *
 * @param link the namespace's interface the tap is joined to; null when the tap is attached otherwise (a bridge)
 */
public record GuestInterface(String tap, String link, String mac, int mtu, List<Address> addresses, List<Route> routes,
                             List<Neighbour> neighbours) {
    /** Bounds the agent enforces too (docs/agent-protocol.md, NETWORK). */
    public static final int MAX_INTERFACES = 8;
    public static final int MAX_ENTRIES = 32;
    /** The smallest MTU IPv4 allows (RFC 791 minimum datagram of 68), and the largest jumbo frames reach. */
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65535;
    static final int IFNAMSIZ = 16;

    public GuestInterface {
        requireInterfaceName("tap", tap);
        if (link != null) {
            requireInterfaceName("link", link);
        }
        macBytes(mac);
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("interface " + tap + ": mtu " + mtu + " is outside " + MIN_MTU + ".." + MAX_MTU);
        }
        addresses = bounded(tap, "addresses", addresses);
        routes = bounded(tap, "routes", routes);
        neighbours = bounded(tap, "neighbours", neighbours);
    }

    private static <T> List<T> bounded(String tap, String what, List<T> list) {
        List<T> copy = list == null ? List.of() : List.copyOf(list);
        if (copy.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("interface " + tap + ": at most " + MAX_ENTRIES + " " + what + ", not " + copy.size());
        }
        return copy;
    }

    static void requireInterfaceName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ
                || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')
                || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(what + " must name an interface of 1.." + (IFNAMSIZ - 1)
                    + " printable characters without '/' or ':', not '" + name + "'");
        }
    }

    /** The 6 bytes of a MAC address written {@code 02:42:ac:11:00:02}; a unicast one only. */
    public static byte[] macBytes(String mac) {
        if (mac == null || !mac.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw new IllegalArgumentException("mac must read like 02:42:ac:11:00:02, not '" + mac + "'");
        }
        byte[] b = HexFormat.ofDelimiter(":").parseHex(mac);
        if ((b[0] & 1) != 0) {
            throw new IllegalArgumentException("mac " + mac + " is a multicast address");
        }
        return b;
    }

    public static String macString(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    @JsonIgnore
    public byte[] macAddress() {
        return macBytes(mac);
    }

    /** A numeric IPv4 or IPv6 address (never a name: nothing here resolves). */
    public static InetAddress ip(String literal) {
        try {
            return InetAddress.ofLiteral(Objects.requireNonNull(literal, "address"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + literal + "' is not a numeric IPv4 or IPv6 address");
        }
    }

    static int maxPrefix(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    static void requirePrefix(InetAddress a, int prefix) {
        if (prefix < 0 || prefix > maxPrefix(a)) {
            throw new IllegalArgumentException("prefix /" + prefix + " does not fit " + a.getHostAddress());
        }
    }

    /** An address of the interface with its prefix length, as {@code ip addr} shows {@code 10.88.0.5/16}. */
    public record Address(String address, int prefix) {
        public Address {
            requirePrefix(GuestInterface.ip(address), prefix);
        }

        @JsonIgnore
        public InetAddress ip() {
            return GuestInterface.ip(address);
        }

        @Override
        public String toString() {
            return address + "/" + prefix;
        }
    }

    /**
     * A route through the interface: to {@code destination}/{@code prefix} (0.0.0.0/0 or ::/0 is the
     * default route), via {@code gateway} or, when it is null, directly on the link.
     */
    public record Route(String destination, int prefix, String gateway) {
        public Route {
            InetAddress d = ip(destination);
            requirePrefix(d, prefix);
            if (gateway != null && ip(gateway).getClass() != d.getClass()) {
                throw new IllegalArgumentException("route " + destination + "/" + prefix + ": gateway " + gateway
                        + " is not of the destination's family");
            }
        }

        public static Route defaultVia(String gateway) {
            return new Route(ip(gateway) instanceof Inet4Address ? "0.0.0.0" : "::", 0, gateway);
        }

        @JsonIgnore
        public boolean isDefault() {
            return prefix == 0;
        }

        @Override
        public String toString() {
            return (isDefault() ? "default" : destination + "/" + prefix) + (gateway == null ? "" : " via " + gateway);
        }
    }

    /** A permanent neighbour entry: {@code address} is at link-layer address {@code mac}. */
    public record Neighbour(String address, String mac) {
        public Neighbour {
            ip(address);
            if (mac == null || !mac.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                throw new IllegalArgumentException("neighbour " + address + ": mac must read like 02:42:ac:11:00:02, not '" + mac + "'");
            }
        }
    }
}
