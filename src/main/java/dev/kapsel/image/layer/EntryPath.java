package dev.kapsel.image.layer;

import java.util.ArrayList;
import java.util.List;

/**
 * A tar entry name made safe to resolve under a root: the components of a relative path with
 * {@code .} and empty components dropped. Absolute names and {@code ..} components are refused
 * ({@link #parse} returns the reason), whatever a later resolution would make of them.
 */
record EntryPath(List<String> components) {
    EntryPath {
        components = List.copyOf(components);
    }

    /** The parsed path, or throws {@link IllegalArgumentException} with the reason the name is unsafe. */
    static EntryPath parse(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        if (name.startsWith("/")) {
            throw new IllegalArgumentException("absolute path");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in name");
        }
        List<String> parts = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new IllegalArgumentException("'..' component");
            }
            parts.add(c);
        }
        return new EntryPath(parts);
    }

    boolean isRoot() {
        return components.isEmpty();
    }

    String last() {
        return components.getLast();
    }

    List<String> parent() {
        return components.subList(0, components.size() - 1);
    }
}
