package dev.kapsel.agent;

/** A frame's payload does not have the layout its type requires (too short, trailing bytes, impossible count). */
public class MalformedPayloadException extends FrameException {
    private static final long serialVersionUID = 1L;

    public MalformedPayloadException(String message) {
        super(message);
    }
}
