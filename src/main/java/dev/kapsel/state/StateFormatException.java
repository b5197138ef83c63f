package dev.kapsel.state;

/** Saved state that cannot be read back: cut short, or laid out differently from what this kapsel writes. */
public class StateFormatException extends RuntimeException {
    public StateFormatException(String message) {
        super(message);
    }
}
