package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <poll.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              V("POLLFD_SIZE", sizeof(struct pollfd));
              V("POLLFD_FD", offsetof(struct pollfd, fd));
              V("POLLFD_EVENTS", offsetof(struct pollfd, events));
              V("POLLFD_REVENTS", offsetof(struct pollfd, revents));
              V("POLLIN", POLLIN);
              V("POLLPRI", POLLPRI);
              V("POLLOUT", POLLOUT);
              V("POLLERR", POLLERR);
              V("POLLHUP", POLLHUP);
              V("POLLNVAL", POLLNVAL);
              return 0;
            }
            """;

    @Test
    void layoutAndEventBitsMatchPollH(@TempDir Path dir) throws Exception {
        assertEquals(10, CProgram.assertConstantsMatch(CProgram.printedValues(SOURCE, dir), Poll.class));
    }

    @Test
    void eachEntryReportsItsOwnDescriptorAndSkippedOnesStayQuiet() {
        try (EventFd idle = new EventFd(Libc.EFD_NONBLOCK); EventFd signalled = new EventFd(Libc.EFD_NONBLOCK)) {
            signalled.signal();
            Poll fds = new Poll(3);
            fds.set(0, idle.fd(), Poll.POLLIN);
            fds.set(1, signalled.fd(), Poll.POLLIN);
            fds.set(2, -1, Poll.POLLIN);
            assertEquals(1, fds.poll(1000));
            assertEquals(0, fds.revents(0));
            assertEquals(Poll.POLLIN, fds.revents(1));
            assertEquals(0, fds.revents(2), "a negative fd is skipped");
            fds.set(1, idle.fd(), Poll.POLLIN);
            long start = System.nanoTime();
            assertEquals(0, fds.poll(50), "nothing ready: the timeout ends the wait");
            assertTrue(System.nanoTime() - start >= 40_000_000L);
            assertEquals(0, fds.revents(1), "set clears what the last poll found");
            assertEquals(Poll.POLLOUT, Poll.ready(idle.fd(), Poll.POLLOUT, 0), "an eventfd below its maximum is writable");
        }
    }

    @Test
    void anEndlessWaitEndsWhenAnotherThreadMakesTheDescriptorReady() throws Exception {
        try (EventFd wake = new EventFd(Libc.EFD_NONBLOCK)) {
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                    wake.signal();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Poll fds = new Poll(1);
            fds.set(0, wake.fd(), Poll.POLLIN);
            assertEquals(1, fds.poll(-1));
            assertEquals(Poll.POLLIN, fds.revents(0));
            waker.join();
        }
    }

    @Test
    void aDescriptorThatIsNotOpenReadsAsPollnval() {
        assertEquals(Poll.POLLNVAL, Poll.ready(999_999, Poll.POLLIN, 0));
    }
}
