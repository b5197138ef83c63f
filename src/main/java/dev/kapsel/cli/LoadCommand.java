package dev.kapsel.cli;

import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel load PATH [--name NAME]}: imports an image into the store. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Import an image from an OCI image layout directory, an oci-archive tar or a docker-archive tar (docker save).",
            "The image is named by --name, else by the layout's org.opencontainers.image.ref.name annotation or the archive's RepoTags."})
final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "layout directory or archive file")
    Path path;

    @Option(names = "--name", paramLabel = "NAME", description = "name for the image (also picks one image from a layout that holds several)")
    String name;

    /**
     * Main stops option parsing at the first positional (for {@code sandbox run CMD ARGS}), so
     * {@code load PATH --name NAME} arrives here as positionals: accept exactly that form.
     */
    @Parameters(index = "1..*", hidden = true)
    List<String> trailing = List.of();

    @Override
    public Integer call() throws Exception {
        if (!trailing.isEmpty()) {
            if (trailing.size() == 2 && trailing.get(0).equals("--name") && name == null) {
                name = trailing.get(1);
            } else if (trailing.size() == 1 && trailing.get(0).startsWith("--name=") && name == null) {
                name = trailing.get(0).substring("--name=".length());
            } else {
                throw new ParameterException(spec.commandLine(), "unexpected arguments after PATH: " + String.join(" ", trailing));
            }
        }
        Image image = ImageStore.openDefault().load(path, name, Progress.forTerminal());
        spec.commandLine().getOut().printf("Loaded image %s (%s)%n", image.name(), image.manifestDigest());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
