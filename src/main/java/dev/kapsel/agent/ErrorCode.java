package dev.kapsel.agent;

/**
 * The codes an ERROR frame carries. Codes below 16 are protocol errors after which the agent closes
 * the connection; the others reject one request and the connection goes on.
 */
public enum ErrorCode {
    MALFORMED(1),
    FRAME_TOO_LARGE(2),
    UNKNOWN_TYPE(3),
    BAD_UTF8(4),
    VERSION_UNSUPPORTED(5),
    HANDSHAKE(6),
    TRUNCATED(7),
    NO_SUCH_PROCESS(16),
    ID_IN_USE(17),
    SPAWN_FAILED(18),
    ALREADY_STARTED(19),
    NOT_RUNNING(20),
    TOO_MANY_PROCESSES(21),
    INVALID_ARGUMENT(22),
    INTERNAL(23),
    /** MOUNT: the target could not be made or the virtio-fs tag not mounted on it. */
    MOUNT_FAILED(24),
    /** A code this client does not know (a newer agent); {@link AgentErrorException#rawCode()} has it. */
    UNKNOWN(-1);

    private static final int FIRST_REQUEST_ERROR = 16;
    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether the agent closes the connection after this error. */
    public static boolean closesConnection(int rawCode) {
        return rawCode < FIRST_REQUEST_ERROR;
    }

    public static ErrorCode of(int rawCode) {
        for (ErrorCode c : values()) {
            if (c.code == rawCode) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
