package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code resume ID}: the other half of {@link OciPauseCommand}. */
@Command(name = "resume", description = "resumes all processes that have been previously paused", mixinStandardHelpOptions = true,
        footer = {"", "vm: the paused micro-VM goes on where it stopped. sandbox: never paused, an error naming the isolation, exit 1."})
public final class OciResumeCommand extends OciVerb {
    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().resume(id);
        return 0;
    }
}
