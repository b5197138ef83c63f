package dev.kapsel.container.bridge;

import java.net.Inet4Address;
import java.util.List;

/**
 * The nftables rules of kapsel's bridge network, as the text {@code nft -f -} reads: one table of
 * kapsel's own ({@code table ip kapsel}), replaced whole in one transaction each time a container
 * comes or goes (made from the live leases, so a crashed container's rules go with the next change),
 * and deleted with the last container. It holds:
 * <ul>
 * <li>masquerade of what the containers send out of the network (outbound access);</li>
 * <li>a DNAT per published port, in prerouting (from other hosts) and output (from this host; the
 *     bridge's {@code route_localnet} lets 127.0.0.1 be translated too, and such connections are
 *     masqueraded to the gateway so the guest can answer);</li>
 * <li>explicit forward accepts: out of the bridge, replies into it, and the published ports into it,
 *     since a host that runs Docker sets its FORWARD policy to drop.</li>
 * </ul>
 * A published port with a host address matches that destination address only; without one, every
 * local address of the host ({@code fib daddr type local}).
 */
public final class BridgeRules {
    public static final String TABLE = "kapsel";

    private BridgeRules() {}

    /** The whole table for {@code leases} on bridge {@code bridge} of network {@code subnet}/{@code prefix}. */
    public static String table(String bridge, Inet4Address subnet, int prefix, List<AddressPool.Lease> leases) {
        String net = subnet.getHostAddress() + "/" + prefix;
        String iface = "\"" + bridge + "\"";
        StringBuilder dnat = new StringBuilder();
        StringBuilder forward = new StringBuilder();
        for (AddressPool.Lease l : leases) {
            for (PortMapping p : l.ports()) {
                if (!(p.hostAddress() == null || p.hostAddress() instanceof Inet4Address)) {
                    throw new IllegalArgumentException("published port " + p + ": the bridge network is IPv4 only");
                }
                String to = l.address().getHostAddress();
                String match = (p.hostAddress() == null ? "fib daddr type local" : "ip daddr " + p.hostAddress().getHostAddress())
                        + " " + p.protocol() + " dport " + p.hostPort();
                dnat.append("        ").append(match).append(" dnat to ").append(to).append(':').append(p.containerPort())
                        .append(" comment \"").append(l.container()).append("\"\n");
                forward.append("        oifname ").append(iface).append(" ip daddr ").append(to).append(' ').append(p.protocol())
                        .append(" dport ").append(p.containerPort()).append(" accept\n");
            }
        }
        return "table ip " + TABLE + "\n"
                + "delete table ip " + TABLE + "\n"
                + "table ip " + TABLE + " {\n"
                + "    chain prerouting {\n"
                + "        type nat hook prerouting priority dstnat; policy accept;\n"
                + dnat
                + "    }\n"
                + "    chain output {\n"
                + "        type nat hook output priority -100; policy accept;\n"
                + dnat
                + "    }\n"
                + "    chain postrouting {\n"
                + "        type nat hook postrouting priority srcnat; policy accept;\n"
                + "        ip saddr " + net + " ip daddr != " + net + " masquerade\n"
                + "        oifname " + iface + " ip saddr 127.0.0.0/8 masquerade\n"
                + "    }\n"
                + "    chain forward {\n"
                + "        type filter hook forward priority filter; policy accept;\n"
                + "        iifname " + iface + " accept\n"
                + "        oifname " + iface + " ct state established,related accept\n"
                + forward
                + "    }\n"
                + "}\n";
    }

    /** What removes the table, whether or not it is there. */
    public static String deletion() {
        return "table ip " + TABLE + "\ndelete table ip " + TABLE + "\n";
    }
}
