package dev.kapsel.cli;

import dev.kapsel.image.ImageStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel rmi NAME...}: removes images and frees the blobs no other image uses. */
@Command(name = "rmi", mixinStandardHelpOptions = true,
        description = "Remove images; blobs, unpacked roots and ext4 images no remaining image uses are deleted.")
final class RmiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    public Integer call() throws Exception {
        ImageStore store = ImageStore.openDefault();
        for (String name : names) {
            ImageStore.Removal r = store.remove(name);
            spec.commandLine().getOut().printf("Deleted %s (%s); freed %d blobs, %s%n", name, r.image().manifestDigest(),
                    r.blobsFreed(), ImagesCommand.humanSize(r.bytesFreed()));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
