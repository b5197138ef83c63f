package dev.kapsel.cli;

import dev.kapsel.vmm.snapshot.ControlSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {
            "Take a full snapshot of a VM started with 'kapsel vm run --control-sock PATH'.",
            "The VM is paused, its RAM written to the memory file as it is and everything else (vCPU",
            "registers, interrupt controllers, clock, every device's state) to the state file. Then it",
            "stays paused, is resumed, or is stopped (--then). 'kapsel vm restore' runs it again from the",
            "two files, in another process or on another host with the same CPU features.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  kapsel vm snapshot --control-sock /run/vm1.ctl --mem-file vm1.mem --state-file vm1.state --then stop",
            "  kapsel vm restore --mem-file vm1.mem --state-file vm1.state",
            "",
            "Exit codes: 0 snapshot written; 1 the VM refused or the files could not be written; 2 bad arguments",
            "or no VM listening there."
        })
final class VmSnapshotCommand implements Callable<Integer> {
    enum Then { pause, resume, stop }

    @Option(names = "--control-sock", required = true, paramLabel = "PATH", description = "The running VM's control socket.")
    Path controlSocket;

    @Option(names = "--mem-file", required = true, paramLabel = "PATH", description = "Where guest RAM goes (as big as the guest's memory, sparse).")
    Path memFile;

    @Option(names = "--state-file", required = true, paramLabel = "PATH", description = "Where the VM's state goes.")
    Path stateFile;

    @Option(names = "--then", paramLabel = "pause|resume|stop",
            description = "What the VM does after the snapshot (default: ${DEFAULT-VALUE}, as Firecracker).")
    Then then = Then.pause;

    @Override
    public Integer call() {
        ask("snapshot\t" + memFile.toAbsolutePath() + "\t" + stateFile.toAbsolutePath());
        if (then != Then.pause) {
            ask(then.name());
        }
        return 0;
    }

    private void ask(String request) {
        String answer;
        try {
            answer = ControlSocket.request(controlSocket, request);
        } catch (IOException e) {
            throw new CommandFailure(2, "--control-sock " + controlSocket + ": no VM answers there (" + e.getMessage() + ")", e);
        }
        if (!answer.equals("ok")) {
            throw new CommandFailure(1, answer.startsWith("error: ") ? answer.substring(7) : answer, null);
        }
    }
}
