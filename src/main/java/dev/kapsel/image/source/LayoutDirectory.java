package dev.kapsel.image.source;

import dev.kapsel.image.MalformedImageException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An image source that is a directory on disk: an OCI image layout the user points at. */
final class LayoutDirectory implements BlobSource {
    private final Path dir;

    LayoutDirectory(Path dir) {
        this.dir = dir;
    }

    @Override
    public Path file(String name) throws MalformedImageException {
        Path p = resolve(name);
        if (p == null || !Files.isRegularFile(p)) {
            throw new MalformedImageException(describe() + " lacks " + name);
        }
        return p;
    }

    @Override
    public boolean has(String name) {
        Path p = resolve(name);
        return p != null && Files.isRegularFile(p);
    }

    private Path resolve(String name) {
        Path p = dir.resolve(name).normalize();
        return p.startsWith(dir.normalize()) ? p : null;
    }

    @Override
    public String describe() {
        return "layout " + dir;
    }
}
