package dev.kapsel.agent;

/** A frame's length field is larger than {@link Frame#MAX_LENGTH}. */
public final class FrameTooLargeException extends FrameException {
    private static final long serialVersionUID = 1L;
    private final long length;

    public FrameTooLargeException(long length) {
        super("agent frame length " + length + " is larger than the maximum " + Frame.MAX_LENGTH);
        this.length = length;
    }

    /** The length field as received (unsigned). */
    public long length() {
        return length;
    }
}
