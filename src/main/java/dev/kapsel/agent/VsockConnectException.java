package dev.kapsel.agent;

import java.nio.file.Path;

/** The VMM's vsock socket did not give a stream to the guest port. */
public final class VsockConnectException extends AgentException {
    private static final long serialVersionUID = 1L;
    private final transient Path uds;
    private final int port;

    public VsockConnectException(Path uds, int port, String why) {
        super("cannot reach guest vsock port " + Integer.toUnsignedString(port) + " through " + uds + ": " + why);
        this.uds = uds;
        this.port = port;
    }

    public Path uds() {
        return uds;
    }

    public int port() {
        return port;
    }
}
