package dev.kapsel.sandbox.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * A directory's place in the sandbox tree: the chain of directories from the root. ".." pops one
 * (never past the root), so no walk can leave the tree whatever links it meets.
 */
public record Location(List<String> names, List<Directory> dirs) {
    public Location {
        names = List.copyOf(names);
        dirs = List.copyOf(dirs);
    }

    public static Location root(Directory root) {
        return new Location(List.of(), List.of(root));
    }

    public Directory directory() {
        return dirs.getLast();
    }

    public Location child(String name, Directory dir) {
        List<String> n = new ArrayList<>(names);
        n.add(name);
        List<Directory> d = new ArrayList<>(dirs);
        d.add(dir);
        return new Location(n, d);
    }

    public Location parent() {
        if (names.isEmpty()) {
            return this;
        }
        return new Location(names.subList(0, names.size() - 1), dirs.subList(0, dirs.size() - 1));
    }

    public String path() {
        return names.isEmpty() ? "/" : "/" + String.join("/", names);
    }
}
