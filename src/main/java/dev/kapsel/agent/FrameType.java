package dev.kapsel.agent;

import java.util.Optional;

/** The frame types of the agent protocol (docs/agent-protocol.md), with their wire codes. */
public enum FrameType {
    /** Both ways: version negotiation; the first frame on a connection. */
    HELLO(0x01),
    /** Host to agent: start the container's process. */
    START(0x02),
    /** Host to agent: start another process in the running container. */
    EXEC(0x03),
    /** Host to agent: bytes for a process's stdin. */
    STDIN(0x04),
    /** Host to agent: end of a process's stdin. */
    STDIN_CLOSE(0x05),
    /** Host to agent: new terminal size. */
    RESIZE(0x06),
    /** Host to agent: deliver a signal. */
    SIGNAL(0x07),
    /** Host to agent: configure the guest's network interfaces (before START). */
    NETWORK(0x08),
    /** Agent to host: the NETWORK request with this id was applied. */
    NETWORK_DONE(0x14),
    /** Host to agent, before START: mount a virtio-fs tag inside the container's root. */
    MOUNT(0x0c),
    /** Agent to host: a START or EXEC succeeded; carries the guest pid. */
    STARTED(0x10),
    /** Agent to host: bytes a process wrote to stdout (or to its terminal). */
    STDOUT(0x11),
    /** Agent to host: bytes a process wrote to stderr. */
    STDERR(0x12),
    /** Agent to host: a process ended; the last frame for its id. */
    EXIT(0x13),
    /** Agent to host: the MOUNT succeeded. */
    MOUNTED(0x18),
    /** Either way in principle, agent to host in practice: a request failed or the protocol was broken. */
    ERROR(0x7f);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** The type with this wire code, if the protocol has one. */
    public static Optional<FrameType> of(int code) {
        for (FrameType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
