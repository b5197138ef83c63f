package dev.kapsel.sandbox.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A read-only directory whose entries the kernel makes up (/dev, /proc, /proc/self/fd). */
public final class SyntheticDirectory extends Directory {
    private final Supplier<Map<String, Node>> entries;

    public SyntheticDirectory(Supplier<Map<String, Node>> entries) {
        this.entries = entries;
    }

    @Override
    public Node lookup(String name) {
        return entries.get().get(name);
    }

    @Override
    public List<String> list() {
        return new ArrayList<>(entries.get().keySet());
    }

    @Override
    public Stat stat() {
        return new Stat(5, ino(), S_IFDIR | 0555, 2, 0, 0, 0, 0, 0, 0);
    }
}
