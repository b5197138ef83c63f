package dev.kapsel.sandbox.fs;

import java.util.IdentityHashMap;
import java.util.Map;

/** Remembers the path each open file was opened by, for /proc/self/fd links and strace. */
public final class PathNames {
    private final Map<OpenFile, String> names = new IdentityHashMap<>();

    public void record(OpenFile file, String path) {
        names.put(file, path);
    }

    public String of(OpenFile file) {
        String n = names.get(file);
        if (n != null) {
            return n;
        }
        if (file.node() instanceof HostStream h) {
            return h.name();
        }
        return "anon_inode:[" + file.node().ino() + "]";
    }
}
