package dev.kapsel.container;

import dev.kapsel.agent.AgentClient;
import dev.kapsel.agent.AgentProcess;
import dev.kapsel.agent.ExitStatus;
import dev.kapsel.agent.TerminalSize;
import java.io.IOException;

/**
 * A process the guest agent started in a running micro-VM that another process owns (an OCI
 * {@code exec}): signals and resizes go to it through the agent; closing ends the connection, not the VM.
 */
final class AgentProcessContainer implements RunningContainer {
    private final AgentClient agent;
    private final ProcessStdio.Copying copying;

    AgentProcessContainer(AgentClient agent, ProcessStdio.Copying copying) {
        this.agent = agent;
        this.copying = copying;
    }

    static void signal(AgentProcess process, int signal) {
        try {
            process.signal(signal);
        } catch (IOException gone) {
            // the process ended; its exit status is on its way
        }
    }

    static void resize(AgentProcess process, TerminalSize size) {
        try {
            process.resize(size);
        } catch (IOException gone) {
            // as for signal
        }
    }

    @Override
    public void signal(int signal) {
        signal(copying.process(), signal);
    }

    @Override
    public void resize(TerminalSize size) {
        resize(copying.process(), size);
    }

    @Override
    public ExitStatus await() throws InterruptedException {
        return MicroVmContainer.awaitCopying(copying);
    }


    @Override
    public void close() {
        agent.close(); // the agent ends the processes of this connection
    }
}
