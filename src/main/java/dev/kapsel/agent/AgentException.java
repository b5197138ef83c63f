package dev.kapsel.agent;

import java.io.IOException;

/** Something went wrong talking to the guest agent; the subclasses say what. */
public abstract class AgentException extends IOException {
    private static final long serialVersionUID = 1L;

    protected AgentException(String message) {
        super(message);
    }

    protected AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
