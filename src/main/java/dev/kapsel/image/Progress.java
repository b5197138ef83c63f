package dev.kapsel.image;

import java.io.PrintStream;

/**
 * Reports long work (import, layer extraction, image build) as one self-overwriting status line on
 * stderr when stderr is a terminal, and says nothing otherwise (pipes and logs stay clean).
 */
public interface Progress {
    /** Shows what is happening now. */
    void update(String status);

    /** Ends the status line. */
    void done();

    Progress QUIET = new Progress() {
        @Override
        public void update(String status) {}

        @Override
        public void done() {}
    };

    /** A terminal reporter when the process has one ({@code System.console().isTerminal()}), else {@link #QUIET}. */
    static Progress forTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? new Line(System.err) : QUIET;
    }

    /** The status line on a terminal: carriage return, text, clear to end of line. */
    final class Line implements Progress {
        private final PrintStream out;
        private boolean shown;

        public Line(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void update(String status) {
            out.print("\r" + status + "\u001b[K");
            out.flush();
            shown = true;
        }

        @Override
        public synchronized void done() {
            if (shown) {
                out.print("\r\u001b[K");
                out.flush();
                shown = false;
            }
        }
    }
}
