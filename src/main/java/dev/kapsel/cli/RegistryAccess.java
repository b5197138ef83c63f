package dev.kapsel.cli;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageNotFoundException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import dev.kapsel.image.registry.InvalidReferenceException;
import dev.kapsel.image.registry.Platform;
import dev.kapsel.image.registry.Puller;
import dev.kapsel.image.registry.Reference;
import dev.kapsel.image.registry.RegistryException;
import dev.kapsel.image.registry.RegistryOptions;
import java.io.IOException;
import java.io.PrintWriter;

/** What the image commands share: registry options from the state directory, store names for references, one pull. */
final class RegistryAccess {
    private RegistryAccess() {}

    static RegistryOptions options(boolean tlsVerify) throws IOException {
        return RegistryOptions.defaults(StateDirectory.resolve(), tlsVerify);
    }

    /**
     * The stored image {@code text} names: the image of exactly that name, else of the reference's
     * familiar form ({@code docker.io/library/busybox} and {@code busybox} are {@code busybox:latest}).
     */
    static Image find(ImageStore store, String text) throws IOException, ImageException {
        try {
            return store.image(text);
        } catch (ImageNotFoundException e) {
            String familiar;
            try {
                familiar = Reference.parse(text).familiar();
            } catch (InvalidReferenceException notAReference) {
                throw e;
            }
            if (familiar.equals(text)) {
                throw e;
            }
            return store.image(familiar);
        }
    }

    /** Pulls {@code text} and says so on {@code out}, as {@code kapsel pull} does. */
    static Image pull(ImageStore store, String text, Platform platform, boolean tlsVerify, PrintWriter out)
            throws IOException, RegistryException, ImageException {
        Reference ref = Reference.parse(text);
        Image image = new Puller(store, options(tlsVerify), Progress.forTerminal()).pull(ref, platform);
        out.printf("Pulled %s (%s)%n", image.name(), image.manifestDigest());
        out.flush();
        return image;
    }
}
