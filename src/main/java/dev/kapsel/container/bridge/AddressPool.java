package dev.kapsel.container.bridge;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The IPv4 addresses of one kapsel network, leased to containers through files under the state
 * directory: a lease is {@code <directory>/<address>}, created exclusively (so two kapsel processes
 * never get the same address) and holding the container's id and the holding process (its pid and
 * start time), then one {@code port SPEC} line per port it publishes (so the rules of every live
 * container can be made again from the leases alone). A lease whose holder is gone (a monitor that crashed, or whose pid now names another
 * process) is free again, so addresses survive crashes without leaking. The network's first host
 * address is the gateway (the bridge); the network and broadcast addresses are never leased.
 */
public final class AddressPool {
    private final Path directory;
    private final int network;
    private final int prefix;

    /** A leased address: the container's, with the network's prefix and gateway, and the ports it publishes. */
    public record Lease(InetAddress address, int prefix, InetAddress gateway, String container, Path file, List<PortMapping> ports) {
        public Lease {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }

    /** Every address is leased to a live container. */
    public static final class ExhaustedException extends Exception {
        private static final long serialVersionUID = 1L;

        ExhaustedException(String message) {
            super(message);
        }
    }

    public AddressPool(Path directory, String network, int prefix) {
        InetAddress n = InetAddress.ofLiteral(network);
        if (!(n instanceof Inet4Address) || prefix < 16 || prefix > 30) {
            throw new IllegalArgumentException("an address pool is an IPv4 network of /16 to /30, not " + network + "/" + prefix);
        }
        int bits = toInt(n);
        if ((bits & hostMask(prefix)) != 0) {
            throw new IllegalArgumentException(network + "/" + prefix + " has host bits set");
        }
        this.directory = directory;
        this.network = bits;
        this.prefix = prefix;
    }

    private static int hostMask(int prefix) {
        return (int) ((1L << (32 - prefix)) - 1);
    }

    private static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static InetAddress toAddress(int v) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public InetAddress gateway() {
        return toAddress(network + 1);
    }

    /** Leases the lowest free address to {@code container}, held while {@code holder} lives. */
    public Lease allocate(String container, ProcessHandle holder) throws ExhaustedException, IOException {
        return allocate(container, holder, List.of());
    }

    /** Leases the lowest free address to {@code container} publishing {@code ports}, held while {@code holder} lives. */
    public Lease allocate(String container, ProcessHandle holder, List<PortMapping> ports) throws ExhaustedException, IOException {
        if (!container.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("a lease names a container by a word, not '" + container + "'");
        }
        Files.createDirectories(directory);
        StringBuilder record = new StringBuilder(container + " " + holder.pid() + " " + startMillis(holder).orElse(0L) + "\n");
        ports.forEach(p -> record.append("port ").append(p).append('\n'));
        int last = network + hostMask(prefix) - 1;
        for (int v = network + 2; v <= last; v++) {
            InetAddress a = toAddress(v);
            Path file = directory.resolve(a.getHostAddress());
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    Files.writeString(Files.createFile(file), record, StandardCharsets.UTF_8);
                    return new Lease(a, prefix, gateway(), container, file, ports);
                } catch (FileAlreadyExistsException taken) {
                    if (attempt > 0 || !removeIfStale(file)) {
                        break;
                    }
                }
            }
        }
        throw new ExhaustedException("no free address in " + toAddress(network).getHostAddress() + "/" + prefix + " ("
                + (hostMask(prefix) - 2) + " containers hold them all)");
    }

    /** Gives the address back; releasing twice is harmless. */
    public void release(Lease lease) throws IOException {
        Files.deleteIfExists(lease.file());
    }

    /**
     * The leases whose holders live, lowest address first; the others (crashed or recycled holders)
     * are removed on the way, so this is also the pool's crash recovery.
     */
    public List<Lease> live() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = s.filter(f -> f.getFileName().toString().matches("[0-9.]{7,15}")).toList();
        }
        List<Lease> out = new ArrayList<>();
        for (Path f : files) {
            if (removeIfStale(f)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                InetAddress a = InetAddress.ofLiteral(f.getFileName().toString());
                List<PortMapping> ports = lines.stream().skip(1).filter(l -> l.startsWith("port "))
                        .map(l -> PortMapping.parse(l.substring(5))).toList();
                out.add(new Lease(a, prefix, gateway(), lines.getFirst().split(" ")[0], f, ports));
            } catch (NoSuchFileException released) {
                // released between the check and the read
            } catch (IllegalArgumentException | java.util.NoSuchElementException garbled) {
                // being written right now by another allocator: its rules come with its own change
            }
        }
        out.sort((x, y) -> Integer.compareUnsigned(toInt(x.address()), toInt(y.address())));
        return out;
    }

    /** Removes a lease whose holder is gone; true if it did (or the file was already gone). */
    private static boolean removeIfStale(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException gone) {
            return true;
        }
        String[] f = text.lines().findFirst().orElse("").split(" ");
        if (f.length == 3 && f[1].matches("[0-9]{1,10}") && f[2].matches("[0-9]{1,19}")) {
            Optional<ProcessHandle> holder = ProcessHandle.of(Long.parseLong(f[1]));
            long started = Long.parseLong(f[2]);
            if (holder.isPresent() && holder.get().isAlive() && startMillis(holder.get()).orElse(0L) == started) {
                return false;
            }
        } else if (Files.getLastModifiedTime(file).toInstant().isAfter(Instant.now().minusSeconds(5))) {
            return false; // being written right now by another allocator
        }
        Files.deleteIfExists(file);
        return true;
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }
}
