package dev.kapsel.cli.oci;

import dev.kapsel.oci.DefaultSpec;
import dev.kapsel.oci.InvalidStateException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spec}: writes a starter config.json, as {@code runc spec} does (and refuses to overwrite one). */
@Command(name = "spec", description = "create a new specification file", mixinStandardHelpOptions = true,
        footer = {"", "The spec is runc's, with hostname 'kapsel' and the annotation dev.kapsel.isolation=sandbox."})
public final class OciSpecCommand extends OciVerb {
    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", description = "path to the root of the bundle directory")
    Path bundle = Path.of(".");

    @Option(names = "--rootless", description = "generate a configuration for a rootless container")
    boolean rootless;

    @Override
    int execute() throws Exception {
        if (!Files.isDirectory(bundle)) {
            throw new InvalidStateException("chdir " + bundle + ": no such file or directory");
        }
        Path file = bundle.resolve("config.json");
        if (Files.exists(file)) {
            throw new InvalidStateException("File config.json exists. Remove it first");
        }
        Files.writeString(file, rootless ? DefaultSpec.rootless(id("uid"), id("gid")) : DefaultSpec.json());
        return 0;
    }

    /** This process's effective uid or gid: the owner of {@code /proc/self}, which the kernel sets to them. */
    private static long id(String which) throws java.io.IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:" + which)).longValue();
    }
}
