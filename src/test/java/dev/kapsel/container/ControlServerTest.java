package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ControlServer} and {@link ControlClient} over a real socket, with a control that records what it is asked. */
class ControlServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** Pauses and resumes like a VM would, refusing the moves its state does not allow. */
    private static final class RecordingControl implements ContainerControl {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile String state = "running";

        @Override
        public void pause() {
            calls.add("pause");
            if (!state.equals("running")) {
                throw new IllegalStateException("the container is " + state);
            }
            state = "paused";
        }

        @Override
        public void resume() {
            calls.add("resume");
            if (!state.equals("paused")) {
                throw new IllegalStateException("the container is " + state + ",\nnot paused");
            }
            state = "running";
        }

        @Override
        public String state() {
            return state;
        }
    }

    private Path socket() {
        return ControlServer.socketIn(dir);
    }

    /** Sends raw bytes and returns the server's answer line. */
    private static String raw(Path socket, byte[] request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request));
            return readLine(channel);
        }
    }

    /**
     * Reads to the first newline or the end. Not further: a server that closes with part of a request
     * unread makes the kernel report a reset to the client after the answer.
     */
    private static String readLine(SocketChannel channel) throws IOException {
        ByteBuffer answer = ByteBuffer.allocate(8192);
        while (channel.read(answer) >= 0) {
            if (!answer.hasRemaining() || answer.get(answer.position() - 1) == '\n') {
                break;
            }
        }
        return new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
    }

    @Test
    void pauseResumeAndStateRoundTrip() throws Exception {
        RecordingControl control = new RecordingControl();
        try (ControlServer server = ControlServer.start(socket(), control)) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(server.socket()));
            assertEquals("running", ControlClient.send(socket(), "state", TIMEOUT));
            assertEquals("paused", ControlClient.send(socket(), "pause", TIMEOUT));
            assertEquals("paused", ControlClient.send(socket(), "state", TIMEOUT));
            assertEquals("running", ControlClient.send(socket(), "resume", TIMEOUT));
            assertEquals(List.of("pause", "resume"), control.calls);
            assertEquals("ok running\n", raw(socket(), "state\n".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void aRefusalComesBackTypedWithTheControlsMessageOnOneLine() throws Exception {
        RecordingControl control = new RecordingControl();
        try (ControlServer server = ControlServer.start(socket(), control)) {
            ControlException.Refused refused = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket(), "resume", TIMEOUT));
            assertEquals("the container is running, not paused", refused.reason());
            assertEquals("resume: refused by the monitor on " + socket() + ": the container is running, not paused",
                    refused.getMessage());
            assertEquals("resume", refused.verb());
            assertEquals(socket(), refused.socket());
            assertEquals(List.of("resume"), control.calls);
        }
    }

    @Test
    void anUnknownVerbIsAnsweredWithAnErrorAndNothingIsCalled() throws Exception {
        RecordingControl control = new RecordingControl();
        try (ControlServer server = ControlServer.start(socket(), control)) {
            ControlException.Refused refused = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket(), "kill", TIMEOUT));
            assertEquals("unknown request 'kill': expected pause, resume or state", refused.reason());
            assertTrue(control.calls.isEmpty(), control.calls.toString());
            assertThrows(IllegalArgumentException.class, () -> ControlClient.send(socket(), "pause\nresume", TIMEOUT));
        }
    }

    @Test
    void anOverLongRequestIsRefusedAndTheServerGoesOn() throws Exception {
        RecordingControl control = new RecordingControl();
        try (ControlServer server = ControlServer.start(socket(), control)) {
            byte[] flood = new byte[64 * 1024]; // no newline anywhere
            Arrays.fill(flood, (byte) 'p');
            String answer = raw(socket(), flood);
            assertEquals("error request longer than " + ControlServer.MAX_REQUEST_BYTES + " bytes\n", answer);
            ControlException.Refused refused = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket(), "p".repeat(ControlServer.MAX_REQUEST_BYTES + 1), TIMEOUT));
            assertTrue(refused.reason().startsWith("request longer than"), refused.reason());
            assertEquals("paused", ControlClient.send(socket(), "pause", TIMEOUT));
            assertEquals(List.of("pause"), control.calls);
        }
    }

    @Test
    void aSilentClientBlocksNoOneAndIsAnsweredOnceItsTimeIsUp() throws Exception {
        Duration requestTimeout = Duration.ofMillis(1500);
        try (ControlServer server = ControlServer.start(socket(), new RecordingControl(), requestTimeout);
                SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.connect(UnixDomainSocketAddress.of(socket()));
            long start = System.nanoTime();
            assertEquals("paused", ControlClient.send(socket(), "pause", TIMEOUT));
            long served = System.nanoTime() - start;
            assertTrue(served < requestTimeout.toNanos(), "the second client waited " + served / 1_000_000 + " ms");
            String answer = readLine(silent);
            long closed = System.nanoTime() - start;
            assertEquals("error no request within 1500 ms\n", answer);
            assertTrue(closed >= requestTimeout.toNanos() - Duration.ofMillis(100).toNanos(),
                    "answered after " + closed / 1_000_000 + " ms");
        }
    }

    @Test
    void aClientTimesOutOnAMonitorThatNeverAnswers() throws Exception {
        try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            mute.bind(UnixDomainSocketAddress.of(socket())); // accepts into the backlog, never reads
            long start = System.nanoTime();
            ControlException.TimedOut timedOut = assertThrows(ControlException.TimedOut.class,
                    () -> ControlClient.send(socket(), "state", Duration.ofMillis(300)));
            long waited = System.nanoTime() - start;
            assertEquals("state: the monitor on " + socket() + " did not answer within 300 ms", timedOut.getMessage());
            assertTrue(waited >= Duration.ofMillis(290).toNanos() && waited < Duration.ofSeconds(3).toNanos(),
                    "waited " + waited / 1_000_000 + " ms");
        }
    }

    @Test
    @Timeout(10) // without the client's connect watchdog this connect would wait for ever
    void aClientTimesOutOnAMonitorWhoseBacklogIsFull() throws Exception {
        List<SocketChannel> waiting = new ArrayList<>();
        try (ServerSocketChannel stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stuck.bind(UnixDomainSocketAddress.of(socket()), 1); // never accepts
            while (true) { // fill the backlog: a non-blocking connect then fails with EAGAIN
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                waiting.add(channel);
                channel.configureBlocking(false);
                try {
                    channel.connect(UnixDomainSocketAddress.of(socket()));
                } catch (IOException full) {
                    break;
                }
                assertTrue(waiting.size() < 100, "the backlog never filled");
            }
            long start = System.nanoTime();
            ControlException.TimedOut timedOut = assertThrows(ControlException.TimedOut.class,
                    () -> ControlClient.send(socket(), "pause", Duration.ofMillis(300)));
            long waited = System.nanoTime() - start;
            assertInstanceOf(AsynchronousCloseException.class, timedOut.getCause());
            assertTrue(waited < Duration.ofSeconds(3).toNanos(), "waited " + waited / 1_000_000 + " ms");
        } finally {
            for (SocketChannel channel : waiting) {
                channel.close();
            }
        }
    }

    @Test
    void closeRemovesTheSocketAndThenNoMonitorIsListening() throws Exception {
        ControlServer server = ControlServer.start(socket(), new RecordingControl());
        assertTrue(Files.exists(socket()));
        server.close();
        assertFalse(Files.exists(socket()));
        ControlException.NoMonitor none = assertThrows(ControlException.NoMonitor.class,
                () -> ControlClient.send(socket(), "pause", TIMEOUT));
        assertEquals("pause: no monitor is listening on " + socket() + " (no such socket)", none.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("control " + ControlServer.SOCKET_NAME) && t.isAlive()),
                "the acceptor thread outlived close");
        server.close(); // a second close does nothing
    }

    @Test
    void aSocketLeftByADeadMonitorIsRefusedThenReplaced() throws Exception {
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket()));
        dead.close(); // the file stays, nobody listens: what a killed monitor leaves
        ControlException.NoMonitor refused = assertThrows(ControlException.NoMonitor.class,
                () -> ControlClient.send(socket(), "state", TIMEOUT));
        assertEquals("state: no monitor is listening on " + socket() + " (connection refused)", refused.getMessage());
        try (ControlServer server = ControlServer.start(socket(), new RecordingControl())) {
            assertEquals("running", ControlClient.send(socket(), "state", TIMEOUT));
            IOException second = assertThrows(IOException.class,
                    () -> ControlServer.start(socket(), new RecordingControl()));
            assertTrue(second.getMessage().contains("another monitor is listening"), second.getMessage());
            assertEquals("running", ControlClient.send(socket(), "state", TIMEOUT));
        }
    }
}
