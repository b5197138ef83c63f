package dev.kapsel.container.detached;

import java.util.List;

/** An id prefix that several containers share. */
public final class AmbiguousContainerException extends ContainerRegistryException {
    public AmbiguousContainerException(String prefix, List<String> ids) {
        super("'" + prefix + "' is a prefix of " + ids.size() + " container ids (" + String.join(", ",
                ids.stream().map(ContainerId::shorten).toList()) + "): give more digits or the name");
    }
}
