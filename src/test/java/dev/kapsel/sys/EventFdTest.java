package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link EventFd} with its shared constant and per-instance buffer: signals add up, a read takes them all. */
class EventFdTest {
    @Test
    void signalsAddUpAndReadResetsTheCounter() {
        try (EventFd a = new EventFd(Libc.EFD_NONBLOCK); EventFd b = new EventFd(Libc.EFD_NONBLOCK)) {
            for (int i = 0; i < 1000; i++) {
                a.signal();
            }
            b.signal();
            assertEquals(1000, a.read());
            assertEquals(1, b.read());
            a.signal();
            assertEquals(1, a.read());
            assertEquals(Errno.EAGAIN, org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class, a::read).errno());
        }
    }
}
