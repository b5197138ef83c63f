package dev.kapsel.cli;

import dev.kapsel.image.ImageStore;
import dev.kapsel.image.registry.Platform;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel pull [--platform P] [--tls-verify=false] REF}: an image from a registry into the store. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Pull an image from a registry (OCI distribution API) into the store, named by the reference in Docker's"
            + " familiar form (busybox is docker.io/library/busybox:latest and is stored as busybox:latest).",
            "RegistryCredentials come from 'kapsel login' (the containers auth.json) or ~/.docker/config.json. Interrupted downloads resume.",
            "Options go before REF."},
        footer = {"", "Examples:", "  kapsel pull busybox", "  kapsel pull --platform linux/amd64 quay.io/org/app:1.2",
            "  kapsel pull --tls-verify=false registry.lan:5000/app@sha256:<hex>"})
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Platform to pick from an image index (default linux/amd64).")
    String platform = Platform.DEFAULT.toString();

    @Option(names = "--tls-verify", arity = "1", paramLabel = "BOOL", description = "Require https with a verified certificate"
            + " (default true; loopback registries and those listed under 'insecure' in <state>/registries.json may use http).")
    boolean tlsVerify = true;

    @Parameters(index = "0", paramLabel = "REF", description = "Image reference: [registry/]repository[:tag][@sha256:digest].")
    String reference;

    @Override
    public Integer call() throws Exception {
        Platform p;
        try {
            p = Platform.parse(platform);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--platform: " + e.getMessage());
        }
        RegistryAccess.pull(ImageStore.openDefault(), reference, p, tlsVerify, spec.commandLine().getOut());
        return 0;
    }
}
