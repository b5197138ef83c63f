package dev.kapsel.oci;

/** config.json (or an exec process file) is not valid JSON, or lacks a field the specification requires. */
public final class InvalidConfigException extends OciException {
    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
