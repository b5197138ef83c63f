package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bytes sent to the real agent: each protocol error is answered with an ERROR frame carrying
 * its code and then a close, and the agent stays up for the next connection.
 */
@Timeout(120)
class AgentProtocolErrorsTest {
    private static final byte[] HELLO = frame(0x01, 0, new byte[] {0, 1, 0, 1});

    @TempDir
    Path dir;
    GuestAgentProcess agent;

    @BeforeEach
    void startAgent() throws Exception {
        agent = GuestAgentProcess.start(dir);
    }

    @AfterEach
    void stopAgent() throws Exception {
        agent.close();
    }

    static byte[] frame(int type, int id, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length).putInt(5 + payload.length).put((byte) type).putInt(id)
                .put(payload).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Sends the bytes, half-closes, and returns every frame the agent sent until it closed. */
    private List<Frame> exchange(byte[] bytes) throws IOException {
        try (SocketChannel ch = agent.openChannel()) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.shutdownOutput();
            InputStream in = Channels.newInputStream(ch);
            List<Frame> frames = new ArrayList<>();
            for (Frame f; (f = Frame.readFrom(in)) != null; ) {
                frames.add(f);
            }
            return frames;
        }
    }

    private static int errorCode(Frame f) {
        assertEquals(FrameType.ERROR, f.type(), f.toString());
        return ByteBuffer.wrap(f.payload()).getShort() & 0xffff;
    }

    private void assertAgentStillServes() throws Exception {
        assertTrue(agent.isAlive(), "the agent died");
        try (AgentClient c = agent.connect()) {
            assertEquals(1, c.version());
        }
    }

    private void assertRejected(byte[] bytes, ErrorCode expected) throws Exception {
        List<Frame> frames = exchange(bytes);
        Frame last = frames.getLast();
        assertEquals(expected.code(), errorCode(last), "frames: " + frames);
        assertAgentStillServes();
    }

    @Test
    void anUnknownTypeIsAnErrorAndACLose() throws Exception {
        assertRejected(concat(HELLO, frame(0x55, 1, new byte[3])), ErrorCode.UNKNOWN_TYPE);
    }

    @Test
    void aTypeOnlyTheAgentSendsIsUnknownFromTheHost() throws Exception {
        assertRejected(concat(HELLO, frame(FrameType.STDOUT.code(), 1, new byte[3])), ErrorCode.UNKNOWN_TYPE);
    }

    @Test
    void anOversizedLengthIsRefusedBeforeReadingIt() throws Exception {
        byte[] huge = ByteBuffer.allocate(9).putInt(0x7fffffff).put((byte) 0x04).putInt(1).array();
        assertRejected(concat(HELLO, huge), ErrorCode.FRAME_TOO_LARGE);
        byte[] justOver = ByteBuffer.allocate(9).putInt(Frame.MAX_LENGTH + 1).put((byte) 0x04).putInt(1).array();
        assertRejected(concat(HELLO, justOver), ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void aLengthShorterThanTheHeaderIsMalformed() throws Exception {
        assertRejected(concat(HELLO, new byte[] {0, 0, 0, 2, 1, 1}), ErrorCode.MALFORMED);
    }

    @Test
    void aConnectionEndingInsideAFrameIsTruncated() throws Exception {
        byte[] start = frame(0x02, 1, new byte[100]);
        assertRejected(concat(HELLO, java.util.Arrays.copyOf(start, 40)), ErrorCode.TRUNCATED);
    }

    @Test
    void anythingBeforeHelloIsAHandshakeError() throws Exception {
        assertRejected(frame(0x07, 1, new byte[4]), ErrorCode.HANDSHAKE);
        assertRejected(concat(HELLO, HELLO), ErrorCode.HANDSHAKE);
    }

    @Test
    void noCommonVersionIsRefused() throws Exception {
        assertRejected(frame(0x01, 0, new byte[] {0, 2, 0, 9}), ErrorCode.VERSION_UNSUPPORTED);
        assertRejected(frame(0x01, 0, new byte[] {0, 3, 0, 1}), ErrorCode.VERSION_UNSUPPORTED);
    }

    @Test
    void badUtf8InAProcessSpecIsRefused() throws Exception {
        byte[] spec = ProcessSpec.of("echo", "AAAA").build().encode();
        // patch the second argument's bytes into an invalid UTF-8 sequence
        int at = indexOf(spec, "AAAA".getBytes(StandardCharsets.US_ASCII));
        spec[at] = (byte) 0xc0;
        spec[at + 1] = (byte) 0x80;
        assertRejected(concat(HELLO, frame(0x02, 1, spec)), ErrorCode.BAD_UTF8);
        spec[at] = 0;
        assertRejected(concat(HELLO, frame(0x02, 1, spec)), ErrorCode.BAD_UTF8);
    }

    @Test
    void impossibleCountsAndTrailingBytesAreMalformed() throws Exception {
        byte[] spec = ProcessSpec.of("true").build().encode();
        byte[] hugeGroups = spec.clone();
        ByteBuffer.wrap(hugeGroups).putInt(13, 0x7fffffff);
        assertRejected(concat(HELLO, frame(0x02, 1, hugeGroups)), ErrorCode.MALFORMED);
        assertRejected(concat(HELLO, frame(0x02, 1, concat(spec, new byte[1]))), ErrorCode.MALFORMED);
        assertRejected(concat(HELLO, frame(0x02, 1, java.util.Arrays.copyOf(spec, spec.length - 1))),
                ErrorCode.MALFORMED);
        assertRejected(concat(HELLO, frame(0x07, 1, new byte[3])), ErrorCode.MALFORMED);
    }

    @Test
    void aRejectedRequestKeepsTheConnection() throws Exception {
        List<Frame> frames = exchange(concat(HELLO, frame(0x07, 9, new byte[] {0, 0, 0, 15}), HELLO));
        assertEquals(FrameType.HELLO, frames.get(0).type());
        assertEquals(ErrorCode.NO_SUCH_PROCESS.code(), errorCode(frames.get(1)));
        assertEquals(ErrorCode.HANDSHAKE.code(), errorCode(frames.get(2)), "the connection was closed too early");
    }

    @Test
    void randomBytesNeverKillTheAgent() throws Exception {
        Random random = new Random(20240601);
        for (int round = 0; round < 300; round++) {
            byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            if (round % 3 == 1 && noise.length >= 4) {
                // plausible length fields reach deeper into the parser
                ByteBuffer.wrap(noise).putInt(0, 5 + random.nextInt(Math.max(1, noise.length)));
            }
            byte[] sent = round % 2 == 0 ? concat(HELLO, noise) : noise;
            List<Frame> frames = exchange(sent);
            for (Frame f : frames) {
                assertTrue(f.type() == FrameType.HELLO || f.type() == FrameType.ERROR
                        || f.type() == FrameType.STARTED || f.type() == FrameType.EXIT
                        || f.type() == FrameType.STDOUT || f.type() == FrameType.STDERR, f.toString());
            }
            assertTrue(agent.isAlive(), "the agent died in round " + round);
        }
        assertAgentStillServes();
    }

    @Test
    void randomProcessSpecsAreErrorsNeverCrashes() throws Exception {
        Random random = new Random(99);
        byte[] valid = ProcessSpec.of("true").env("A=b").cwd("/").build().encode();
        for (int round = 0; round < 200; round++) {
            byte[] spec = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                spec[random.nextInt(spec.length)] = (byte) random.nextInt(256);
            }
            List<Frame> frames = exchange(concat(HELLO, frame(0x03, 1, spec)));
            assertEquals(FrameType.HELLO, frames.getFirst().type());
            assertTrue(frames.size() >= 2, "no answer to EXEC in round " + round);
            assertEquals(FrameType.ERROR, frames.get(1).type(), "round " + round + ": " + frames);
            assertTrue(agent.isAlive(), "the agent died in round " + round);
        }
        assertAgentStillServes();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void theClientSurfacesAFatalErrorAsTyped() throws Exception {
        try (SocketChannel ch = agent.openChannel()) {
            AgentClient c = AgentClient.connect(ch);
            // a hand-made oversized frame through the client's own connection
            ch.write(ByteBuffer.allocate(9).putInt(Frame.MAX_LENGTH + 1).put((byte) 4).putInt(1).flip());
            AgentClosedException closed = org.junit.jupiter.api.Assertions.assertThrows(AgentClosedException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    c.send(Frame.of(FrameType.STDIN_CLOSE, 1));
                    Thread.sleep(10);
                }
            });
            assertTrue(closed.getCause() instanceof AgentErrorException e && e.code() == ErrorCode.FRAME_TOO_LARGE,
                    String.valueOf(closed.getCause()));
            c.close();
        }
        assertAgentStillServes();
    }
}
