package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerState;
import dev.kapsel.container.detached.ContainerRunningException;
import dev.kapsel.container.detached.ContainerStopper;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel rm [-f] NAME|ID...}: removes stopped containers, their records and logs. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Remove stopped detached containers: their record and logs.",
            "Each lives in <state>/containers/<id>/. A running container needs -f, which kills it first (SIGKILL, no grace"
                + " period; 'kapsel stop' gives one).", ""},
        footer = {
            "",
            "Exit status: 0 when every container was removed; 1 if one is unknown, ambiguous or still running"
                + " without -f (the others are removed).",
            "",
            "Examples:",
            "  kapsel rm web",
            "  kapsel rm -f web           kill and remove",
            "  kapsel rm $(kapsel ps -aq)  every stopped container (running ones are refused)"
        })
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--force"}, description = "Kill running containers first.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "NAME|ID", description = "Container names, ids or unique id prefixes.")
    List<String> references;

    @Override
    public Integer call() throws InterruptedException {
        ContainerRegistry registry = ContainerRegistry.openDefault();
        return EachContainer.apply(registry, references, spec, c -> {
            if (ContainerState.of(c).isActive()) {
                if (!force) {
                    throw new ContainerRunningException(c.name());
                }
                new ContainerStopper(registry).kill(c);
            }
            registry.remove(c.id());
        });
    }
}
