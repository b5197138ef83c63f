package dev.kapsel.agent;

/**
 * The agent could not start a process: the command does not exist or is not executable, the working
 * directory is missing, the user cannot be set. {@link #agentMessage()} says which step failed and why.
 */
public final class SpawnFailedException extends AgentErrorException {
    private static final long serialVersionUID = 1L;

    public SpawnFailedException(int processId, String agentMessage) {
        super(ErrorCode.SPAWN_FAILED.code(), processId, agentMessage);
    }

    /** Whether the command was not found (a shell would exit 127; Docker does too). */
    public boolean commandNotFound() {
        return agentMessage().endsWith("No such file or directory") && agentMessage().startsWith("cannot run ");
    }
}
