package dev.kapsel.agent;

/** A string in a payload is not well-formed UTF-8 or contains a NUL byte. */
public final class InvalidUtf8Exception extends MalformedPayloadException {
    private static final long serialVersionUID = 1L;

    public InvalidUtf8Exception(String what) {
        super(what + " is not well-formed UTF-8 without NUL bytes");
    }
}
