package dev.kapsel.agent;

/** A frame whose type byte is not one the protocol defines. */
public final class UnknownFrameTypeException extends FrameException {
    private static final long serialVersionUID = 1L;
    private final int type;

    public UnknownFrameTypeException(int type) {
        super(String.format("unknown agent frame type 0x%02x", type));
        this.type = type;
    }

    public int type() {
        return type;
    }
}
