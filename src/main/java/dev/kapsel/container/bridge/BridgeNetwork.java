package dev.kapsel.container.bridge;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.host.StoreLock;
import dev.kapsel.sys.NetlinkSocket;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Tap;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kapsel's own network for {@code kapsel run} (rootful): the Linux bridge {@value #BRIDGE} with the
 * gateway address 10.87.0.1/24, one tap {@code kt-<short id>} per container as its port (the micro-VM
 * is the container's isolation boundary, so the tap is not put in a namespace of its own), an address
 * leased to each container under the state directory ({@link AddressPool}), and the nftables table of
 * {@link BridgeRules} made again from the live leases on every change. IPv4 forwarding is switched on.
 * Every change happens under one lock file, so two kapsel processes never publish one port twice.
 * {@link #attach} either succeeds whole or leaves nothing (no tap, no rule, no lease); the
 * {@link Attachment}'s {@code close} takes it all back, and the table goes with the last container.
 */
public final class BridgeNetwork {
    public static final String BRIDGE = "kapsel0";
    public static final String SUBNET = "10.87.0.0";
    public static final int PREFIX = 24;
    public static final int MTU = 1500;
    /** Taps are {@code kt-} and the container id's first 12 characters: 15, as IFNAMSIZ allows. */
    static final String TAP_PREFIX = "kt-";
    private static final long NFT_TIMEOUT_SECONDS = 30;

    private final Path directory;
    private final AddressPool pool;

    public BridgeNetwork(Path directory) {
        this.directory = directory;
        this.pool = new AddressPool(directory.resolve("leases"), SUBNET, PREFIX);
    }

    /** The network under the state directory: {@code <state>/network/kapsel0}. */
    public static BridgeNetwork openDefault() {
        return new BridgeNetwork(StateDirectory.resolve().resolve("network").resolve(BRIDGE));
    }

    public static String tapName(String container) {
        return TAP_PREFIX + container.substring(0, Math.min(12, container.length()));
    }

    /**
     * One container on the bridge: its tap, the guest's MAC (02:6b and the address's four bytes), its
     * lease (address, prefix, gateway). {@link #close()} removes the tap, gives the address back and
     * rewrites the rules; twice is harmless.
     */
    public final class Attachment implements AutoCloseable {
        private final AddressPool.Lease lease;
        private final String tap;
        /**
         * The {@code nft -f -} that will take this container's rules back, started with the attachment:
         * a monitor under kapsel's seccomp filter cannot start a process when its container ends, so the
         * process is there already, waiting for its rules on stdin (if the monitor dies first, nft reads
         * an empty ruleset and does nothing; whoever tidies up after it runs nft of its own).
         */
        private final Process teardown;
        private boolean closed;

        private Attachment(AddressPool.Lease lease, String tap, Process teardown) {
            this.lease = lease;
            this.tap = tap;
            this.teardown = teardown;
        }

        public String tap() {
            return tap;
        }

        public AddressPool.Lease lease() {
            return lease;
        }

        public byte[] mac() {
            byte[] a = lease.address().getAddress();
            return new byte[] {0x02, 0x6b, a[0], a[1], a[2], a[3]};
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (StoreLock ignored = lock()) {
                detach(lease, tap, teardown);
            } catch (IOException | RuntimeException e) {
                System.err.println("kapsel: the bridge network did not take back " + tap + " cleanly: " + e.getMessage());
            }
        }
    }

    /** Puts {@code container} on the bridge with {@code ports} published, or says why not and leaves nothing. */
    public Attachment attach(String container, List<PortMapping> ports) throws BridgeException {
        try {
            PortMapping.requireDisjoint(ports);
            for (PortMapping p : ports) {
                if (p.hostAddress() != null && !(p.hostAddress() instanceof Inet4Address)) {
                    throw new IllegalArgumentException("published port " + p + ": the bridge network is IPv4 only");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new BridgeException(e.getMessage(), e);
        }
        try (StoreLock ignored = lock()) {
            List<AddressPool.Lease> live = pool.live();
            requireFree(ports, live);
            AddressPool.Lease lease;
            try {
                lease = pool.allocate(container, ProcessHandle.current(), ports);
            } catch (AddressPool.ExhaustedException e) {
                throw new BridgeException(e.getMessage(), e);
            }
            String tap = tapName(container);
            try {
                try (NetlinkSocket nl = NetlinkSocket.open()) {
                    int bridge = ensureBridge(nl);
                    removeOrphanTaps(nl, live);
                    try (Tap t = Tap.open(tap, 12)) {
                        t.persist(true);
                    }
                    int index = nl.link(tap).orElseThrow(() -> new IllegalStateException("tap " + tap + " vanished")).index();
                    nl.setMaster(index, bridge);
                    nl.setLink(index, true, MTU);
                }
                List<AddressPool.Lease> all = new ArrayList<>(live);
                all.add(lease);
                applyRules(all);
                return new Attachment(lease, tap, startNft());
            } catch (IOException | RuntimeException | BridgeException e) {
                detach(lease, tap, null);
                throw e instanceof BridgeException b ? b
                        : new BridgeException("cannot put the container on bridge " + BRIDGE + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new BridgeException("cannot lease an address on bridge " + BRIDGE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes back what containers whose holder died left (after a SIGKILL): their leases, taps and rules;
     * the table goes when no container is left. Does nothing where the bridge was never used. Best effort:
     * a failure is printed, not thrown (the next attach or detach tries again).
     */
    public static void sweepDefault() {
        BridgeNetwork n = openDefault();
        if (!Files.isDirectory(n.directory.resolve("leases"))) {
            return;
        }
        try (StoreLock ignored = n.lock()) {
            List<AddressPool.Lease> live = n.pool.live();
            try (NetlinkSocket nl = NetlinkSocket.open()) {
                removeOrphanTaps(nl, live);
            }
            applyRules(live);
        } catch (IOException | RuntimeException | BridgeException e) {
            System.err.println("kapsel: cannot tidy bridge " + BRIDGE + ": " + e.getMessage());
        }
    }

    /** The containers on the bridge now (live leases), lowest address first. */
    public List<AddressPool.Lease> containers() throws IOException {
        try (StoreLock ignored = lock()) {
            return pool.live();
        }
    }

    private StoreLock lock() throws IOException {
        Files.createDirectories(directory);
        return StoreLock.acquire(directory.resolve("lock"));
    }

    /** Refuses a host port another live container publishes, or that a program of this host holds. */
    private static void requireFree(List<PortMapping> ports, List<AddressPool.Lease> live) throws BridgeException {
        for (PortMapping p : ports) {
            for (AddressPool.Lease l : live) {
                List<PortMapping> both = new ArrayList<>(l.ports());
                both.add(p);
                try {
                    PortMapping.requireDisjoint(both);
                } catch (IllegalArgumentException e) {
                    throw new BridgeException("host port " + p.hostPort() + "/" + p.protocol() + " is already published by container "
                            + l.container(), e);
                }
            }
            InetSocketAddress at = new InetSocketAddress(p.hostAddress() == null ? anyAddress() : p.hostAddress(), p.hostPort());
            try {
                if (p.protocol() == PortMapping.Protocol.TCP) {
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(at);
                    }
                } else {
                    try (DatagramSocket s = new DatagramSocket(null)) {
                        s.bind(at);
                    }
                }
            } catch (IOException e) {
                throw new BridgeException("host port " + p.hostPort() + "/" + p.protocol() + " cannot be published on "
                        + at.getAddress().getHostAddress() + ": " + e.getMessage(), e);
            }
        }
    }

    private static InetAddress anyAddress() {
        return InetAddress.ofLiteral("0.0.0.0");
    }

    /** The bridge's index; made, addressed and brought up when it is not (yet) there. */
    static int ensureBridge(NetlinkSocket nl) throws IOException {
        if (nl.link(BRIDGE).isEmpty()) {
            ignoreExisting(() -> nl.createLink(BRIDGE, "bridge"));
        }
        int bridge = nl.link(BRIDGE).orElseThrow(() -> new IllegalStateException("bridge " + BRIDGE + " vanished")).index();
        Inet4Address gateway = (Inet4Address) InetAddress.ofLiteral("10.87.0.1");
        if (nl.addresses().stream().noneMatch(a -> a.index() == bridge && a.address().equals(gateway))) {
            ignoreExisting(() -> nl.addAddress(bridge, gateway, PREFIX));
        }
        nl.setLink(bridge, true, 0);
        sysctl("/proc/sys/net/ipv4/ip_forward", "1");
        sysctl("/proc/sys/net/ipv4/conf/" + BRIDGE + "/route_localnet", "1");
        return bridge;
    }

    private static void ignoreExisting(Runnable r) {
        try {
            r.run();
        } catch (SyscallException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    private static void sysctl(String file, String value) throws IOException {
        Path p = Path.of(file);
        if (!Files.readString(p).strip().equals(value)) {
            Files.writeString(p, value);
        }
    }

    /** Taps of containers whose lease is gone (a monitor killed before its VMM took the tap over). */
    private static void removeOrphanTaps(NetlinkSocket nl, List<AddressPool.Lease> live) {
        for (NetlinkSocket.Link l : nl.links()) {
            if (l.name().startsWith(TAP_PREFIX) && live.stream().noneMatch(x -> tapName(x.container()).equals(l.name()))) {
                try {
                    nl.deleteLink(l.index());
                } catch (SyscallException gone) {
                    // removed meanwhile
                }
            }
        }
    }

    /**
     * Removes the tap (if the VMM has not already), the lease, and the container's rules, through
     * {@code nft} when given (a started {@code nft -f -}), else a new one. Under the lock.
     */
    private void detach(AddressPool.Lease lease, String tap, Process nft) throws IOException {
        try (NetlinkSocket nl = NetlinkSocket.open()) {
            nl.link(tap).ifPresent(l -> {
                try {
                    nl.deleteLink(l.index());
                } catch (SyscallException gone) {
                    // the VMM's descriptor closed meanwhile, taking the tap with it
                }
            });
        }
        pool.release(lease);
        try {
            List<AddressPool.Lease> live = pool.live();
            finishNft(nft != null ? nft : startNft(), rules(live));
        } catch (BridgeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void applyRules(List<AddressPool.Lease> leases) throws BridgeException {
        nft(rules(leases));
    }

    /** The ruleset for {@code leases}: the table, or its deletion when no container is left. */
    private static String rules(List<AddressPool.Lease> leases) {
        return leases.isEmpty() ? BridgeRules.deletion()
                : BridgeRules.table(BRIDGE, (Inet4Address) InetAddress.ofLiteral(SUBNET), PREFIX, leases);
    }

    /** Runs {@code nft -f -} on {@code rules}: one transaction, all or nothing. */
    static void nft(String rules) throws BridgeException {
        finishNft(startNft(), rules);
    }

    /** Starts {@code nft -f -}, which reads its rules from stdin and applies them at its end. */
    private static Process startNft() throws BridgeException {
        try {
            return new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BridgeException("cannot run nft (the nftables package): " + e.getMessage(), e);
        }
    }

    /** Gives the started {@code p} its {@code rules} and waits for it to apply them. */
    private static void finishNft(Process p, String rules) throws BridgeException {
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(rules.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(NFT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BridgeException("nft did not finish within " + NFT_TIMEOUT_SECONDS + " s", null);
            }
            if (p.exitValue() != 0) {
                throw new BridgeException("nft refused the rules of table ip " + BridgeRules.TABLE + ": "
                        + new String(out, StandardCharsets.UTF_8).strip().replace('\n', ' '), null);
            }
        } catch (IOException e) {
            throw new BridgeException("nft failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BridgeException("interrupted while nft ran", e);
        }
    }
}
