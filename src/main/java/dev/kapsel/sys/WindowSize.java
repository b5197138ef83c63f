package dev.kapsel.sys;

/** A terminal's size in character cells, as {@code struct winsize} holds it (ws_row, ws_col: 0..65535). */
public record WindowSize(int rows, int cols) {
    public WindowSize {
        if (rows < 0 || rows > 0xffff || cols < 0 || cols > 0xffff) {
            throw new IllegalArgumentException("window size " + rows + "x" + cols + " is outside 0..65535");
        }
    }
}
