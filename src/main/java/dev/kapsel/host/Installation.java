package dev.kapsel.host;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where this kapsel was started from: the repository that holds bin/, harness/ and target/kapsel.jar. */
public final class Installation {
    private Installation() {}

    public static Path repository() {
        try {
            Path code = Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/kapsel.jar or target/classes -> the repository two levels up.
            return code.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
