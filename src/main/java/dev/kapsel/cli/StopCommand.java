package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerStopper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel stop [-t SECONDS] NAME|ID...}: SIGTERM, grace period, SIGKILL. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop detached containers: SIGTERM, then SIGKILL after the grace period.",
            "The SIGTERM reaches the container's process inside the micro-VM; the SIGKILL goes to its monitor process,"
                + " which ends the micro-VM at once.", ""},
        footer = {
            "",
            "A container the SIGTERM ended shows 'Exited (143)' in 'kapsel ps -a' (or its own status if it handled the"
                + " signal and exited); one killed after the grace period 'Exited (137)'. Stopping a stopped container is"
                + " not an error. Prints each container as given once it stopped.",
            "",
            "Exit status: 0 when every container is stopped; 1 if one is unknown or ambiguous (the others are stopped).",
            "",
            "Examples:",
            "  kapsel stop web",
            "  kapsel stop -t 0 3f2a9c    kill at once (an id prefix is enough when unique)"
        })
final class StopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", description = "Grace period before SIGKILL (default: ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Parameters(arity = "1..*", paramLabel = "NAME|ID", description = "Container names, ids or unique id prefixes.")
    List<String> references;

    @Override
    public Integer call() throws InterruptedException {
        if (seconds < 0) {
            throw new CommandFailure(1, "-t must be 0 or more seconds, not " + seconds, null);
        }
        ContainerRegistry registry = ContainerRegistry.openDefault();
        ContainerStopper stopper = new ContainerStopper(registry);
        return EachContainer.apply(registry, references, spec, c -> stopper.stop(c, Duration.ofSeconds(seconds)));
    }
}
