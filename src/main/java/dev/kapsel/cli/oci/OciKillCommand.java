package dev.kapsel.cli.oci;

import dev.kapsel.oci.SignalName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kill ID [SIGNAL]}: sends a signal (default SIGTERM; a name, a number, or 0 to probe) to the
 * container's process; with {@code --all} also to every process exec started in it.
 */
@Command(name = "kill", description = "kill sends the specified signal (default: SIGTERM) to the container's init process",
        mixinStandardHelpOptions = true, footer = {"", "For example, to send KILL to the init process of container ubuntu01:",
            "", "       # kapsel-runc kill ubuntu01 KILL", "",
            "Signal 0 sends nothing and fails (exit 1) unless the container is running, as kill(2)'s probe does."})
public final class OciKillCommand extends OciVerb {
    @Option(names = {"-a", "--all"}, description = "send the specified signal to all processes inside the container (its own and exec's)")
    boolean all;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Parameters(index = "1", paramLabel = "signal", defaultValue = "SIGTERM", arity = "0..1")
    String signal;

    @Override
    int execute() {
        int number = SignalName.parseOrProbe(signal);
        if (all) {
            runtime().killAll(id, number);
        } else {
            runtime().kill(id, number);
        }
        return 0;
    }
}
