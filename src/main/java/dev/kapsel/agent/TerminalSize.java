package dev.kapsel.agent;

/** A terminal's size in character cells, as TIOCSWINSZ takes it (each 0..65535). */
public record TerminalSize(int rows, int cols) {
    /** The size a terminal gets when nobody says otherwise. */
    public static final TerminalSize DEFAULT = new TerminalSize(24, 80);

    public TerminalSize {
        if (rows < 0 || rows > 0xffff || cols < 0 || cols > 0xffff) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is outside 0..65535");
        }
    }
}
