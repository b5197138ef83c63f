package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The C agent decodes every spec the Java codec encodes: EXEC before START is answered with
 * NOT_RUNNING (a request error, reached only after the payload parsed and passed its checks), never
 * with MALFORMED or BAD_UTF8, and the connection stays open.
 */
class AgentSpecDecodingProperties {
    private static Path dir;
    private static GuestAgentProcess agent;
    private static AgentClient client;

    @BeforeContainer
    static void startAgent() throws Exception {
        dir = Files.createTempDirectory("kapsel-agent-props");
        agent = GuestAgentProcess.start(dir);
        client = agent.connect();
    }

    @AfterContainer
    static void stopAgent() throws Exception {
        client.close();
        agent.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 300)
    void everyJavaSpecParsesInTheAgent(@ForAll("specs") ProcessSpec spec) throws Exception {
        ProcessSpec withoutHostname = new ProcessSpec(spec.argv(), spec.env(), spec.cwd(), spec.uid(), spec.gid(),
                spec.additionalGids(), spec.rlimits(), "", spec.terminal(), spec.terminalSize(), spec.stdin());
        AgentErrorException e = org.junit.jupiter.api.Assertions.assertThrows(AgentErrorException.class,
                () -> client.exec(withoutHostname));
        assertEquals(ErrorCode.NOT_RUNNING, e.code(), e.getMessage());
    }

    @Provide
    Arbitrary<ProcessSpec> specs() {
        return FrameProperties.specs();
    }
}
