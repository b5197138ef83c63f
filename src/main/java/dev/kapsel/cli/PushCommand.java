package dev.kapsel.cli;

import dev.kapsel.image.Digest;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import dev.kapsel.image.registry.Pusher;
import dev.kapsel.image.registry.Reference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel push [--tls-verify=false] REF}: a stored image to a registry. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push a stored image to the registry its name names; the manifest goes up byte for byte, so its digest stays.",
            "Name it for the registry first with 'kapsel tag'. Options go before REF."},
        footer = {"", "Examples:", "  kapsel tag busybox:latest registry.lan:5000/tools/busybox:1", "  kapsel push registry.lan:5000/tools/busybox:1"})
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tls-verify", arity = "1", paramLabel = "BOOL", description = "Require https with a verified certificate (default true).")
    boolean tlsVerify = true;

    @Parameters(index = "0", paramLabel = "REF", description = "Stored image, named as the registry reference to push to.")
    String reference;

    @Override
    public Integer call() throws Exception {
        Reference target = Reference.parse(reference);
        ImageStore store = ImageStore.openDefault();
        Image image = RegistryAccess.find(store, reference);
        Digest d = new Pusher(store, RegistryAccess.options(tlsVerify), Progress.forTerminal()).push(image, target);
        spec.commandLine().getOut().printf("Pushed %s (%s)%n", target.familiar(), d);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
