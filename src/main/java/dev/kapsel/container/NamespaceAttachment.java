package dev.kapsel.container;

import dev.kapsel.sys.NetNamespace;
import dev.kapsel.sys.NetlinkSocket;
import dev.kapsel.sys.Rtnetlink;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.Tap;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The guest's NICs joined to an engine's network namespace, as Kata Containers' tcfilter mode and
 * firecracker-containerd's tc-redirect-tap do: for each Ethernet interface the engine put there (its
 * veth), a tap in the same namespace, up with the veth's MTU, and an ingress qdisc on both with a u32
 * match-all filter whose mirred action redirects every frame to the other's egress. Frames from the
 * engine's bridge thus reach the guest unchanged and the guest's frames leave through the veth, so
 * the engine's addresses, routes and port publishing (DNAT to the veth's address) apply to the guest,
 * which is given the veth's MAC, MTU, addresses, routes and permanent neighbours. {@link #close()}
 * removes the taps and the veths' ingress qdiscs; a failed attach leaves nothing behind.
 */
final class NamespaceAttachment implements AutoCloseable {
    /** Taps are named {@code tap<N>_kapsel}, as Kata names its {@code tap<N>_kata}. */
    static final String TAP_SUFFIX = "_kapsel";

    private final Path namespace;
    private final List<GuestInterface> interfaces;
    private final Deque<Undo> undo;

    private interface Undo {
        void run(NetlinkSocket nl);
    }

    private NamespaceAttachment(Path namespace, List<GuestInterface> interfaces, Deque<Undo> undo) {
        this.namespace = namespace;
        this.interfaces = List.copyOf(interfaces);
        this.undo = undo;
    }

    List<GuestInterface> interfaces() {
        return interfaces;
    }

    /**
     * Joins a tap to each Ethernet interface of the namespace at {@code namespace}; none when it has none.
     * Called when the VM boots, at the OCI start: by then the engine has filled the namespace.
     */
    static NamespaceAttachment attach(Path namespace) throws ContainerStartException.Network, InterruptedException {
        if (!Files.exists(namespace)) {
            throw new ContainerStartException.Network(missing(namespace), null);
        }
        Deque<Undo> undo = new ArrayDeque<>();
        try {
            List<GuestInterface> found = NetNamespace.call(namespace, () -> {
                try (NetlinkSocket nl = NetlinkSocket.open()) {
                    try {
                        return join(nl, undo);
                    } catch (RuntimeException e) {
                        undoAll(nl, undo);
                        throw e;
                    }
                }
            });
            return new NamespaceAttachment(namespace, found, undo);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new ContainerStartException.Network("cannot attach the guest to network namespace " + namespace + ": "
                    + e.getMessage(), e);
        }
    }

    static String missing(Path namespace) {
        return "network namespace " + namespace + " (linux.namespaces[type=network].path) does not exist";
    }

    private static List<GuestInterface> join(NetlinkSocket nl, Deque<Undo> undo) {
        List<NetlinkSocket.Link> links = nl.links();
        List<NetlinkSocket.IfAddress> addresses = nl.addresses();
        List<NetlinkSocket.Route> routes = nl.routes();
        List<NetlinkSocket.Neighbour> neighbours = nl.neighbours();
        List<GuestInterface> out = new ArrayList<>();
        for (NetlinkSocket.Link link : links) {
            if (link.isLoopback() || link.type() != Rtnetlink.ARPHRD_ETHER || link.name().endsWith(TAP_SUFFIX)
                    || link.mac().length != 6) {
                continue;
            }
            if (out.size() == GuestInterface.MAX_INTERFACES) {
                throw new IllegalArgumentException("more than " + GuestInterface.MAX_INTERFACES + " interfaces to attach");
            }
            String tapName = "tap" + out.size() + TAP_SUFFIX;
            try (Tap tap = Tap.open(tapName, 12)) {
                tap.persist(true);
            }
            int tap = nl.links().stream().filter(l -> l.name().equals(tapName)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("tap " + tapName + " vanished")).index();
            undo.push(n -> n.deleteLink(tap));
            nl.setLink(tap, true, link.mtu());
            step(link, "an ingress qdisc", () -> nl.addIngressQdisc(link.index()));
            undo.push(n -> n.deleteIngressQdisc(link.index()));
            nl.addIngressQdisc(tap);
            step(link, "a redirect to " + tapName, () -> nl.addRedirect(link.index(), tap));
            nl.addRedirect(tap, link.index());
            out.add(guestInterface(tapName, link, addresses, routes, neighbours));
        }
        return out;
    }

    /** A step on the engine's interface whose refusal names it (a veth that already has an ingress qdisc, say). */
    private static void step(NetlinkSocket.Link link, String what, Runnable r) {
        try {
            r.run();
        } catch (SyscallException e) {
            throw new IllegalStateException("interface " + link.name() + " cannot be redirected (" + what + "): " + e.getMessage(), e);
        }
    }

    /**
     * What the guest configures on the NIC of {@code link}: its addresses but the IPv6 link-local ones
     * (the guest makes its own), its main-table routes but those the kernel derived from an address (the
     * guest's kernel derives them again), and its permanent neighbours (the others the guest learns).
     */
    static GuestInterface guestInterface(String tap, NetlinkSocket.Link link, List<NetlinkSocket.IfAddress> addresses,
                                         List<NetlinkSocket.Route> routes, List<NetlinkSocket.Neighbour> neighbours) {
        List<GuestInterface.Address> a = addresses.stream()
                .filter(x -> x.index() == link.index() && !x.address().isLinkLocalAddress())
                .map(x -> new GuestInterface.Address(x.address().getHostAddress(), x.prefix())).toList();
        List<GuestInterface.Route> r = routes.stream()
                .filter(x -> x.oif() == link.index() && x.protocol() != Rtnetlink.RTPROT_KERNEL
                        && !(x.destination() instanceof Inet6Address d && d.isLinkLocalAddress()))
                .sorted((x, y) -> Boolean.compare(x.gateway() != null, y.gateway() != null)) // on-link routes first: gateways need them
                .map(x -> new GuestInterface.Route(x.destination().getHostAddress(), x.prefix(), text(x.gateway()))).toList();
        List<GuestInterface.Neighbour> n = neighbours.stream()
                .filter(x -> x.index() == link.index() && x.state() == Rtnetlink.NUD_PERMANENT && x.mac().length == 6)
                .map(x -> new GuestInterface.Neighbour(x.address().getHostAddress(), GuestInterface.macString(x.mac()))).toList();
        return new GuestInterface(tap, link.name(), GuestInterface.macString(link.mac()), link.mtu(), a, r, n);
    }

    private static String text(InetAddress a) {
        return a == null ? null : a.getHostAddress();
    }

    private static void undoAll(NetlinkSocket nl, Deque<Undo> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run(nl);
            } catch (RuntimeException gone) {
                // the engine removed the namespace's interfaces first: nothing of ours is left there
            }
        }
    }

    /** Removes the taps and the engine interfaces' ingress qdiscs (the namespace may already be gone). */
    @Override
    public void close() {
        if (undo.isEmpty() || !Files.exists(namespace)) {
            return;
        }
        try {
            NetNamespace.call(namespace, () -> {
                try (NetlinkSocket nl = NetlinkSocket.open()) {
                    undoAll(nl, undo);
                }
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception gone) {
            // the namespace went between the check and setns: its interfaces went with it
        }
    }
}
