package dev.kapsel.cli.oci;

import dev.kapsel.oci.Features;
import picocli.CommandLine.Command;

/** {@code kapsel features}: the runtime specification's features document. */
@Command(name = "features", description = "show the enabled features", mixinStandardHelpOptions = true)
public final class OciFeaturesCommand extends OciVerb {
    @Override
    int execute() throws Exception {
        System.out.println(RuncJson.pretty(Features.json()));
        return 0;
    }
}
