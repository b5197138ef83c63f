package dev.kapsel.agent;

/** Bytes that are not a well-formed frame of the agent protocol; the subclasses name the defect. */
public abstract class FrameException extends AgentException {
    private static final long serialVersionUID = 1L;

    protected FrameException(String message) {
        super(message);
    }
}
