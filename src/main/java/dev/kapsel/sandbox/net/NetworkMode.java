package dev.kapsel.sandbox.net;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which network programs in the sandbox may use. {@link #NONE} (the default) gives them AF_UNIX only,
 * socket(AF_INET/AF_INET6) failing with EAFNOSUPPORT as on a kernel built without IP. {@link #HOST}
 * maps TCP and UDP sockets onto host sockets in the monitor's own network namespace (the host's
 * addresses and ports, like Docker's --network host). {@link Namespace} maps them onto host sockets
 * created inside another network namespace (an engine's, from the OCI config's
 * {@code linux.namespaces[type=network].path}), so they use its interfaces, routes and loopback and
 * the engine's port publishing reaches them. With HOST or a namespace, NETLINK_ROUTE dumps of links
 * and addresses describe that namespace.
 */
public sealed interface NetworkMode {
    None NONE = new None();
    Host HOST = new Host();

    /** Whether AF_INET/AF_INET6 (and the read-only NETLINK_ROUTE view) are offered. */
    default boolean hasInet() {
        return !(this instanceof None);
    }

    record None() implements NetworkMode {}

    record Host() implements NetworkMode {}

    /** The network namespace at {@code path} ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}). */
    record Namespace(Path path) implements NetworkMode {
        public Namespace {
            Objects.requireNonNull(path, "network namespace path");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("a network namespace path must be absolute, not " + path);
            }
        }
    }

    /** Parses the --network value: "none" or "host". */
    static NetworkMode parse(String s) {
        return switch (s) {
            case "none" -> NONE;
            case "host" -> HOST;
            default -> throw new IllegalArgumentException("--network must be none or host, not " + s);
        };
    }
}
