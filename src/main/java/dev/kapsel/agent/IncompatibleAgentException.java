package dev.kapsel.agent;

/** The agent and this host share no protocol version. */
public final class IncompatibleAgentException extends AgentException {
    private static final long serialVersionUID = 1L;

    public IncompatibleAgentException(String message) {
        super(message);
    }
}
