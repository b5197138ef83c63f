package dev.kapsel.cli.oci;

import dev.kapsel.oci.DefaultSpec;
import dev.kapsel.oci.InvalidStateException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kapsel spec}: writes a default config.json, like {@code runc spec}. */
@Command(name = "spec", description = "OCI: write a default config.json into the bundle directory.", mixinStandardHelpOptions = true)
public final class OciSpecCommand extends OciVerb {
    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", description = "where to write config.json (default: current directory)")
    Path bundle = Path.of(".");

    @Option(names = "--rootless", description = "accepted; the default spec needs no host privileges with kapsel")
    boolean rootless;

    @Override
    int execute() throws Exception {
        Path file = bundle.resolve("config.json");
        if (Files.exists(file)) {
            throw new InvalidStateException(file + " already exists; remove it first");
        }
        Files.writeString(file, DefaultSpec.json());
        return 0;
    }
}
