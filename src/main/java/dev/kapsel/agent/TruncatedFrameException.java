package dev.kapsel.agent;

/** The stream ended inside a frame: after {@code received} of the {@code expected} bytes. */
public final class TruncatedFrameException extends FrameException {
    private static final long serialVersionUID = 1L;
    private final long expected;
    private final long received;

    public TruncatedFrameException(long expected, long received) {
        super("agent connection ended inside a frame: got " + received + " of " + expected + " bytes");
        this.expected = expected;
        this.received = received;
    }

    public long expected() {
        return expected;
    }

    public long received() {
        return received;
    }
}
