package dev.kapsel.sandbox.fs;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What is mounted where in the sandbox's tree: a node (a {@link HostShare}'s root, a bound host file,
 * an in-memory directory) covering whatever the parent file system has under a canonical sandbox path
 * (symlinks already resolved, as a mount point is). The {@link Vfs} asks it at each step of a walk;
 * ".." out of a mounted directory pops the walk's {@link Location}, so it lands in the parent mount.
 */
final class MountTable {
    private final Map<String, Node> byPath = new LinkedHashMap<>();
    /** Last components of the mount points: most steps of a walk are answered by this set alone. */
    private final Map<String, Integer> lastNames = new HashMap<>();
    private final Set<Node> mounted = Collections.newSetFromMap(new IdentityHashMap<>());

    void add(String path, Node node) {
        if (byPath.put(path, node) == null) {
            lastNames.merge(path.substring(path.lastIndexOf('/') + 1), 1, Integer::sum);
        }
        mounted.add(node);
    }

    /** What is mounted at {@code name} in the directory at {@code parent}, or null. */
    Node at(Location parent, String name) {
        if (!lastNames.containsKey(name)) {
            return null;
        }
        String dir = parent.path();
        return byPath.get(dir.equals("/") ? "/" + name : dir + "/" + name);
    }

    /** Is {@code node} the root of a mount (so it cannot be removed or renamed: EBUSY)? */
    boolean isMountRoot(Node node) {
        return node != null && mounted.contains(node);
    }


    Map<String, Node> entries() {
        return Collections.unmodifiableMap(byPath);
    }
}
