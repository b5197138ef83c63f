package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ThreadSignals}' sigset_t and timespec sizes, SIG_* numbers, glibc's SIGRTMIN and the bit a
 * signal takes in a set, against the C headers through gcc; and a blocked, thread-directed signal
 * that stays pending until it is taken.
 */
class ThreadSignalsTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <signal.h>
            #include <string.h>
            #include <time.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              sigset_t s;
              unsigned long first;
              sigemptyset(&s);
              sigaddset(&s, SIGRTMIN + 6);
              memcpy(&first, &s, sizeof first);
              V("SIGSET_SIZE", sizeof(sigset_t));
              V("TIMESPEC_SIZE", sizeof(struct timespec));
              V("SIG_BLOCK", SIG_BLOCK);
              V("SIG_UNBLOCK", SIG_UNBLOCK);
              V("SIGRTMIN", SIGRTMIN);
              V("SIGRTMAX", SIGRTMAX);
              V("RT6_BIT", first);
              return 0;
            }
            """;

    private static Map<String, Long> HEADERS;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        HEADERS = CProgram.printedValues(SOURCE, dir);
    }

    @Test
    void layoutAndNumbersMatchTheCHeaders() {
        assertEquals(HEADERS.get("SIGSET_SIZE"), ThreadSignals.SIGSET_SIZE);
        assertEquals(HEADERS.get("TIMESPEC_SIZE"), ThreadSignals.TIMESPEC_SIZE);
        assertEquals(HEADERS.get("SIG_BLOCK"), ThreadSignals.SIG_BLOCK);
        assertEquals(HEADERS.get("SIG_UNBLOCK"), ThreadSignals.SIG_UNBLOCK);
        assertEquals(HEADERS.get("SIGRTMIN"), ThreadSignals.SIGRTMIN);
        assertEquals(HEADERS.get("SIGRTMAX"), ThreadSignals.SIGRTMAX);
        assertEquals(HEADERS.get("RT6_BIT"), ThreadSignals.bit(ThreadSignals.SIGRTMIN + 6));
    }

    @Test
    void aBlockedSignalSentToOneThreadStaysPendingUntilTaken() throws Exception {
        int signal = ThreadSignals.SIGRTMIN + 7;
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                ThreadSignals.block(signal);
                boolean before = ThreadSignals.takePending(signal);
                ThreadSignals.send(ThreadSignals.self(), signal);
                boolean sent = ThreadSignals.takePending(signal);
                boolean again = ThreadSignals.takePending(signal);
                ThreadSignals.unblock(signal);
                seen.complete(before + "," + sent + "," + again);
            } catch (Throwable e) {
                seen.completeExceptionally(e);
            }
        }).join();
        assertEquals("false,true,false", seen.get());
        assertFalse((ThreadSignals.blocked() & ThreadSignals.bit(signal)) != 0, "the test thread's mask is untouched");
        assertTrue(ThreadSignals.self() != 0);
    }
}
