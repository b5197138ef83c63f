package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code resume ID}: the other half of {@link OciPauseCommand}. */
@Command(name = "resume", description = "resumes all processes that have been previously paused", mixinStandardHelpOptions = true,
        footer = {"", "Not supported yet by either isolation: an error naming the container's isolation, exit 1."})
public final class OciResumeCommand extends OciVerb {
    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().resume(id);
        return 0;
    }
}
