package dev.kapsel.agent;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a NETWORK frame (docs/agent-protocol.md): the guest's interfaces, each found by its
 * MAC, with the MTU, addresses, routes and permanent neighbours the agent sets with rtnetlink before
 * the container's process starts. Bounded as the agent bounds it, so an encoded config is one the
 * agent can take, and decoded back by {@link #decode} for tests of hostile payloads.
 */
public record NetworkConfig(List<Interface> interfaces) {
    public static final int MAX_INTERFACES = 8;
    public static final int MAX_ENTRIES = 32;
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65535;

    public NetworkConfig {
        interfaces = List.copyOf(interfaces);
        if (interfaces.size() > MAX_INTERFACES) {
            throw new IllegalArgumentException("at most " + MAX_INTERFACES + " interfaces, not " + interfaces.size());
        }
    }

    /** An address with its prefix length. */
    public record Prefix(InetAddress address, int prefix) {
        public Prefix {
            if (prefix < 0 || prefix > bits(address)) {
                throw new IllegalArgumentException("prefix /" + prefix + " does not fit " + address.getHostAddress());
            }
        }
    }

    /** A route to {@code destination} (prefix 0: the default route), via {@code gateway} or on-link when it is null. */
    public record Route(Prefix destination, InetAddress gateway) {
        public Route {
            if (gateway != null && gateway.getClass() != destination.address().getClass()) {
                throw new IllegalArgumentException("gateway " + gateway.getHostAddress() + " is not of its route's family");
            }
        }
    }

    /** A permanent neighbour entry. */
    public record Neighbour(InetAddress address, byte[] mac) {
        public Neighbour {
            mac = mac6(mac).clone();
        }
    }

    /** One guest NIC, named by its MAC. */
    public record Interface(byte[] mac, int mtu, List<Prefix> addresses, List<Route> routes, List<Neighbour> neighbours) {
        public Interface {
            mac = mac6(mac).clone();
            if (mtu < MIN_MTU || mtu > MAX_MTU) {
                throw new IllegalArgumentException("mtu " + mtu + " is outside " + MIN_MTU + ".." + MAX_MTU);
            }
            addresses = bounded(addresses, "addresses");
            routes = bounded(routes, "routes");
            neighbours = bounded(neighbours, "neighbours");
        }
    }

    private static byte[] mac6(byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        return mac;
    }

    private static <T> List<T> bounded(List<T> list, String what) {
        List<T> copy = List.copyOf(list);
        if (copy.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " " + what + " per interface, not " + copy.size());
        }
        return copy;
    }

    private static int bits(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    private static void address(PayloadWriter w, InetAddress a) {
        w.u8(a instanceof Inet4Address ? 4 : 6).bytes(a.getAddress());
    }

    public byte[] encode() {
        PayloadWriter w = new PayloadWriter().u32(interfaces.size());
        for (Interface i : interfaces) {
            w.bytes(i.mac()).u32(i.mtu());
            w.u32(i.addresses().size());
            for (Prefix p : i.addresses()) {
                address(w, p.address());
                w.u8(p.prefix());
            }
            w.u32(i.routes().size());
            for (Route r : i.routes()) {
                address(w, r.destination().address());
                w.u8(r.destination().prefix()).u8(r.gateway() == null ? 0 : 1);
                if (r.gateway() != null) {
                    w.bytes(r.gateway().getAddress());
                }
            }
            w.u32(i.neighbours().size());
            for (Neighbour n : i.neighbours()) {
                address(w, n.address());
                w.bytes(n.mac());
            }
        }
        return w.toByteArray();
    }

    /** The agent's reading of a payload (its structure and bounds, in the same order); for tests of what it refuses. */
    public static NetworkConfig decode(byte[] payload) throws MalformedPayloadException {
        PayloadReader r = new PayloadReader(payload, "NETWORK");
        int n = r.count(22, "interfaces");
        if (n > MAX_INTERFACES) {
            throw new MalformedPayloadException("NETWORK payload has " + n + " interfaces, more than " + MAX_INTERFACES);
        }
        List<Interface> out = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                byte[] mac = r.bytes(6);
                int mtu = r.u32();
                List<Prefix> addresses = new ArrayList<>();
                for (int i = entries(r, "addresses"); i > 0; i--) {
                    addresses.add(new Prefix(readAddress(r), r.u8()));
                }
                List<Route> routes = new ArrayList<>();
                for (int i = entries(r, "routes"); i > 0; i--) {
                    InetAddress dst = readAddress(r);
                    Prefix p = new Prefix(dst, r.u8());
                    int hasGateway = r.u8();
                    if (hasGateway > 1) {
                        throw new MalformedPayloadException("NETWORK route gateway flag " + hasGateway);
                    }
                    routes.add(new Route(p, hasGateway == 1 ? InetAddress.getByAddress(r.bytes(dst.getAddress().length)) : null));
                }
                List<Neighbour> neighbours = new ArrayList<>();
                for (int i = entries(r, "neighbours"); i > 0; i--) {
                    neighbours.add(new Neighbour(readAddress(r), r.bytes(6)));
                }
                out.add(new Interface(mac, mtu, addresses, routes, neighbours));
            }
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new MalformedPayloadException("NETWORK payload: " + e.getMessage());
        }
        r.end();
        return new NetworkConfig(out);
    }

    private static int entries(PayloadReader r, String what) throws MalformedPayloadException {
        int n = r.count(6, what);
        if (n > MAX_ENTRIES) {
            throw new MalformedPayloadException("NETWORK payload has " + n + " " + what + ", more than " + MAX_ENTRIES);
        }
        return n;
    }

    private static InetAddress readAddress(PayloadReader r) throws MalformedPayloadException, UnknownHostException {
        int family = r.u8();
        if (family != 4 && family != 6) {
            throw new MalformedPayloadException("NETWORK address family " + family + " (4 or 6)");
        }
        return InetAddress.getByAddress(r.bytes(family == 4 ? 4 : 16));
    }
}
