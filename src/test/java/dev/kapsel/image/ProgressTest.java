package dev.kapsel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void terminalLineOverwritesItselfAndClearsAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress.Line(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        p.update("layer 1/2");
        p.update("layer 2/2");
        p.done();
        p.done();
        assertEquals("\rlayer 1/2\u001b[K\rlayer 2/2\u001b[K\r\u001b[K", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void quietWithoutATerminal() {
        // Surefire redirects stdin/stdout: no console, so nothing may be printed. Run from a terminal
        // there is nothing to prove, and the test says so by being skipped.
        assumeTrue(System.console() == null || !System.console().isTerminal(), "run from a terminal");
        assertSame(Progress.QUIET, Progress.forTerminal());
    }
}
