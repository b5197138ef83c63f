package dev.kapsel.sandbox.net;

/**
 * Whether programs in the sandbox may use the host's network: {@link #NONE} (the default) gives
 * them AF_UNIX only, socket(AF_INET/AF_INET6) failing with EAFNOSUPPORT as on a kernel built
 * without IP; {@link #HOST} maps TCP and UDP sockets onto host sockets (the host's addresses and
 * ports, like Docker's --network host).
 */
public enum NetworkMode {
    NONE, HOST;

    /** Parses the --network value: "none" or "host". */
    public static NetworkMode parse(String s) {
        return switch (s) {
            case "none" -> NONE;
            case "host" -> HOST;
            default -> throw new IllegalArgumentException("--network must be none or host, not " + s);
        };
    }
}
