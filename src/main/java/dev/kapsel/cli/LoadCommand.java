package dev.kapsel.cli;

import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws Exception {
        Image image = ImageStore.openDefault().load(path, name, Progress.forTerminal());
        spec.commandLine().getOut().printf("Loaded image %s (%s)%n", image.name(), image.manifestDigest());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
