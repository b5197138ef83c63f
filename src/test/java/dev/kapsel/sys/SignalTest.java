package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Signal}'s numbers and names against glibc's {@code <signal.h>} and its own name table, through gcc. */
class SignalTest {
    private static final String SOURCE = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <string.h>
            #include <signal.h>
            #define V(name) printf("%s=%lu\\n", #name, (unsigned long)(name))
            int main(void) {
              V(SIGHUP); V(SIGINT); V(SIGQUIT); V(SIGILL); V(SIGTRAP); V(SIGABRT); V(SIGBUS); V(SIGFPE);
              V(SIGKILL); V(SIGUSR1); V(SIGSEGV); V(SIGUSR2); V(SIGPIPE); V(SIGALRM); V(SIGTERM); V(SIGSTKFLT);
              V(SIGCHLD); V(SIGCONT); V(SIGSTOP); V(SIGTSTP); V(SIGTTIN); V(SIGTTOU); V(SIGURG); V(SIGXCPU);
              V(SIGXFSZ); V(SIGVTALRM); V(SIGPROF); V(SIGWINCH); V(SIGIO); V(SIGPWR); V(SIGSYS);
              V(SIGRTMIN); V(SIGRTMAX);
              printf("ALIAS_IOT=%d\\nALIAS_CLD=%d\\nALIAS_POLL=%d\\n", SIGIOT, SIGCLD, SIGPOLL);
              for (int n = 1; n < SIGRTMIN; n++) {
                const char *name = sigabbrev_np(n);
                if (name != NULL) printf("NAME_%s=%d\\n", name, n);
              }
              return 0;
            }
            """;

    @Test
    void numbersAndNamesMatchGlibc(@TempDir Path dir) throws Exception {
        Map<String, Long> printed = new HashMap<>(CProgram.printedValues(SOURCE, dir));
        int names = 0;
        for (String key : printed.keySet().toArray(String[]::new)) {
            if (key.startsWith("NAME_") || key.startsWith("ALIAS_")) {
                String name = key.substring(key.indexOf('_') + 1);
                assertEquals(OptionalInt.of(Math.toIntExact(printed.remove(key))), Signal.number(name), name);
                names++;
            }
        }
        assertEquals(31 + 3, names, "glibc names 1..31 and three aliases");
        assertEquals(33, CProgram.assertConstantsMatch(printed, Signal.class));
        for (int n = 1; n <= Signal.SIGSYS; n++) {
            String name = Signal.name(n).orElseThrow();
            assertEquals(n, Signal.class.getField("SIG" + name).getInt(null), "name(" + n + ") is the constant's name");
        }
    }

    @Test
    void realTimeAndUnknownSignalsHaveNoClassicName() {
        assertEquals(Optional.empty(), Signal.name(0));
        assertEquals(Optional.empty(), Signal.name(32));
        assertEquals(Optional.empty(), Signal.name(Signal.SIGRTMIN));
        assertEquals(OptionalInt.empty(), Signal.number("NOSUCH"));
        assertEquals(OptionalInt.empty(), Signal.number(""));
    }
}
