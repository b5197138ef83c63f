package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent's stdio transport: one connection on its stdin/stdout, and the agent exits when it ends. */
@Timeout(30)
class AgentStdioTransportTest {

    @Test
    void servesOneConnectionOnStdioAndExitsWhenItEnds() throws Exception {
        Process agent = new ProcessBuilder(GuestAgentProcess.BINARY.toAbsolutePath().toString(), "--stdio", "--no-mounts")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (AgentClient client = AgentClient.connect(agent.getInputStream(), agent.getOutputStream(), () -> {
            agent.getOutputStream().close();
            agent.getInputStream().close();
        })) {
            AgentProcess p = client.start(ProcessSpec.of("/bin/sh", "-c", "read line; echo \"got $line\"; exit 7")
                    .stdin().build());
            p.stdin().write("it\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("got it\n", new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(ExitStatus.exited(7), p.waitFor());
        }
        assertEquals(true, agent.waitFor(10, TimeUnit.SECONDS), "the agent outlived its only connection");
        assertEquals(0, agent.exitValue());
    }
}
