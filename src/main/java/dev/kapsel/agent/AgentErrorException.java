package dev.kapsel.agent;

/** The agent answered with an ERROR frame: it rejected a request, or the connection broke the protocol. */
public class AgentErrorException extends AgentException {
    private static final long serialVersionUID = 1L;
    private final int rawCode;
    private final int processId;
    private final String agentMessage;

    public AgentErrorException(int rawCode, int processId, String agentMessage) {
        super("guest agent: " + agentMessage);
        this.rawCode = rawCode;
        this.processId = processId;
        this.agentMessage = agentMessage;
    }

    public ErrorCode code() {
        return ErrorCode.of(rawCode);
    }

    public int rawCode() {
        return rawCode;
    }

    /** The process the error is about, 0 for the connection. */
    public int processId() {
        return processId;
    }

    /** The agent's own one-line message. */
    public String agentMessage() {
        return agentMessage;
    }

    /** Decodes an ERROR payload: u16 code and a string. */
    static AgentErrorException decode(int processId, byte[] payload) throws MalformedPayloadException {
        PayloadReader r = new PayloadReader(payload, "ERROR");
        int code = r.u16();
        String message = r.string("message");
        r.end();
        return code == ErrorCode.SPAWN_FAILED.code()
                ? new SpawnFailedException(processId, message)
                : new AgentErrorException(code, processId, message);
    }
}
