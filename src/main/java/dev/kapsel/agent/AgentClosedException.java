package dev.kapsel.agent;

/** The connection to the agent ended (or was closed here) before the answer came. */
public final class AgentClosedException extends AgentException {
    private static final long serialVersionUID = 1L;

    public AgentClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
