package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host side of the agent protocol against a hostile guest: after a proper HELLO, whatever bytes
 * the "agent" sends, the client's reader ends with a typed error or a clean close, never with an
 * unchecked exception escaping its thread (which would leave every waiter hanging).
 */
class AgentStreamFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyAgentStreamEndsTheReaderCleanly(byte[] stream) throws IOException {
        List<Throwable> escaped = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.add(e));
        try {
            InputStream agent = new SequenceInputStream(new ByteArrayInputStream(hello()), new ByteArrayInputStream(stream));
            AgentClient client = AgentClient.connect(agent, OutputStream.nullOutputStream(), () -> {});
            client.close();   // joins the reader, which has read to the end of the stream
            assertFalse(client.readerAlive(), "the reader thread ended");
            assertEquals(List.of(), escaped, "nothing escaped the reader thread");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    private static byte[] hello() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Frame(FrameType.HELLO, 0, new PayloadWriter().u16(AgentClient.VERSION_MAX).string("fuzz").toByteArray()).writeTo(out);
        return out.toByteArray();
    }
}
