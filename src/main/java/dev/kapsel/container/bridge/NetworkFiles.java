package dev.kapsel.container.bridge;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's {@code /etc/resolv.conf} and {@code /etc/hosts} on kapsel's bridge network. DNS: the
 * {@code --dns} servers when given; else the host's own nameservers, unless they are loopback ones (a
 * local stub such as systemd-resolved's 127.0.0.53, which the guest cannot reach), which are left
 * out; when none is left, {@link #FALLBACK_DNS} (public resolvers, as Docker falls back to Google's).
 * Hosts: localhost, the container's own name at its address, then each {@code --add-host NAME:IP}.
 */
public final class NetworkFiles {
    /** Used when neither --dns nor the host gives a nameserver the guest can reach. */
    public static final List<String> FALLBACK_DNS = List.of("1.1.1.1", "8.8.8.8");

    private NetworkFiles() {}

    /** One {@code --add-host NAME:IP} entry. */
    public record HostEntry(String name, InetAddress address) {
        public HostEntry {
            if (name == null || !name.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})")) {
                throw new IllegalArgumentException("host name '" + name + "' is not a DNS name");
            }
        }

        /** Parses {@code NAME:IP} (the IP may be IPv6, whose colons follow the first one). */
        public static HostEntry parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon <= 0 || colon == spec.length() - 1) {
                throw new IllegalArgumentException("--add-host '" + spec + "': expected NAME:IP");
            }
            String ip = spec.substring(colon + 1);
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
            try {
                return new HostEntry(spec.substring(0, colon), InetAddress.ofLiteral(ip));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--add-host '" + spec + "': " + (e.getMessage().startsWith("host name")
                        ? e.getMessage() : "'" + ip + "' is not a numeric IP address"));
            }
        }

        @Override
        public String toString() {
            return name + ":" + address.getHostAddress();
        }
    }

    /** A {@code --dns} value: a numeric address. */
    public static InetAddress dnsServer(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dns '" + text + "' is not a numeric IP address");
        }
    }

    /** The nameservers the guest uses: {@code asked}, else the host's non-loopback ones, else the fallback. */
    public static List<String> nameservers(List<String> asked, String hostResolvConf) {
        if (!asked.isEmpty()) {
            return asked.stream().map(a -> dnsServer(a).getHostAddress()).toList();
        }
        List<String> host = new ArrayList<>();
        for (String line : hostResolvConf == null ? List.<String>of() : hostResolvConf.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                try {
                    InetAddress a = InetAddress.ofLiteral(f[1].replaceFirst("%.*", ""));
                    if (!a.isLoopbackAddress() && a instanceof Inet4Address) {
                        host.add(a.getHostAddress());
                    }
                } catch (IllegalArgumentException notAnAddress) {
                    // resolv.conf allows nothing else here; skip it
                }
            }
        }
        return host.isEmpty() ? FALLBACK_DNS : List.copyOf(host);
    }

    /** The search and options lines of the host's resolv.conf are kept; nameservers are {@code servers}. */
    public static String resolvConf(List<String> servers, String hostResolvConf) {
        StringBuilder out = new StringBuilder("# written by kapsel for the bridge network\n");
        if (hostResolvConf != null) {
            hostResolvConf.lines().map(String::strip).filter(l -> l.startsWith("search ") || l.startsWith("options "))
                    .forEach(l -> out.append(l).append('\n'));
        }
        servers.forEach(s -> out.append("nameserver ").append(s).append('\n'));
        return out.toString();
    }

    public static String hosts(String hostname, InetAddress address, List<HostEntry> extra) {
        StringBuilder out = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        if (hostname != null && !hostname.isEmpty()) {
            out.append(address.getHostAddress()).append('\t').append(hostname).append('\n');
        }
        extra.forEach(e -> out.append(e.address().getHostAddress()).append('\t').append(e.name()).append('\n'));
        return out.toString();
    }
}
