package dev.kapsel.cli;

import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.registry.Reference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel tag SOURCE TARGET}: a further name for a stored image. */
@Command(name = "tag", mixinStandardHelpOptions = true,
        description = "Give a stored image another name (a reference, kept in Docker's familiar form); TARGET's previous image loses it.",
        footer = {"", "Example:", "  kapsel tag busybox:latest registry.lan:5000/tools/busybox:1"})
final class TagCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET")
    String target;

    @Override
    public Integer call() throws Exception {
        ImageStore store = ImageStore.openDefault();
        Image image = RegistryAccess.find(store, source);
        String name = Reference.parse(target).familiar();
        store.tag(image.name(), name);
        spec.commandLine().getOut().printf("Tagged %s as %s%n", image.name(), name);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
