package dev.kapsel.cli;

import dev.kapsel.host.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.OciJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel inspect IMAGE}: the stored manifest and config as one JSON document. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a stored image as JSON: {\"Name\", \"Digest\", \"Manifest\": the manifest as stored, \"Config\": the image config}.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Override
    public Integer call() throws Exception {
        ImageStore store = ImageStore.openDefault();
        Image found = RegistryAccess.find(store, image);
        ObjectNode doc = Json.FOREIGN.createObjectNode();
        doc.put("Name", found.name());
        doc.put("Digest", found.manifestDigest().toString());
        doc.set("Manifest", Json.FOREIGN.readTree(store.document(found.manifestDigest())));
        doc.set("Config", Json.FOREIGN.readTree(store.document(found.manifest().config().digest())));
        spec.commandLine().getOut().println(Json.FOREIGN.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
