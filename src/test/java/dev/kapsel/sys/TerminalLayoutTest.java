package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Terminal}'s ioctl numbers and the kernel's termios and winsize layouts (not glibc's termios) through gcc. */
class TerminalLayoutTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <asm/termios.h>
            #include <asm/ioctls.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              V("TCGETS", TCGETS);
              V("TCSETS", TCSETS);
              V("TIOCGWINSZ", TIOCGWINSZ);
              V("TIOCSCTTY", TIOCSCTTY);
              V("TIOCGPTN", TIOCGPTN);
              V("TIOCSPTLCK", TIOCSPTLCK);
              V("TERMIOS_SIZE", sizeof(struct termios));
              V("WINSIZE_SIZE", sizeof(struct winsize));
              V("WINSIZE_ROW", offsetof(struct winsize, ws_row));
              V("WINSIZE_COL", offsetof(struct winsize, ws_col));
              V("TEST_TIOCSWINSZ", TIOCSWINSZ);
              return 0;
            }
            """;

    @Test
    void ioctlNumbersAndLayoutsMatchTheKernelHeaders(@TempDir Path dir) throws Exception {
        Map<String, Long> printed = new java.util.HashMap<>(CProgram.printedValues(SOURCE, dir));
        assertEquals(printed.remove("TEST_TIOCSWINSZ"), TerminalTest.TIOCSWINSZ, "the tests' own TIOCSWINSZ");
        assertEquals(10, CProgram.assertConstantsMatch(printed, Terminal.class));
    }
}
