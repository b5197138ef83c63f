package dev.kapsel.agent;

/** How a process ended: it exited with a code (0..255), or a signal killed it. */
public record ExitStatus(boolean signaled, int value) {
    public ExitStatus {
        if (signaled ? value < 1 || value > 127 : value < 0 || value > 255) {
            throw new IllegalArgumentException((signaled ? "signal " : "exit code ") + value + " is out of range");
        }
    }

    public static ExitStatus exited(int code) {
        return new ExitStatus(false, code);
    }

    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(true, signal);
    }

    /** The status a shell reports: the exit code, or 128 + the signal number. */
    public int shellStatus() {
        return signaled ? 128 + value : value;
    }

    /** Decodes an EXIT payload: u8 kind (0 exited, 1 signaled) and u32 value. */
    static ExitStatus decode(byte[] payload) throws MalformedPayloadException {
        PayloadReader r = new PayloadReader(payload, "EXIT");
        int kind = r.u8();
        int value = r.u32();
        r.end();
        if (kind > 1) {
            throw new MalformedPayloadException("EXIT has unknown kind " + kind);
        }
        try {
            return new ExitStatus(kind == 1, value);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("EXIT: " + e.getMessage());
        }
    }

    byte[] encode() {
        return new PayloadWriter().u8(signaled ? 1 : 0).u32(value).toByteArray();
    }

    @Override
    public String toString() {
        return signaled ? "killed by signal " + value : "exited with code " + value;
    }
}
