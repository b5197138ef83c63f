package dev.kapsel.image.source;

import dev.kapsel.image.MalformedImageException;
import java.nio.file.Path;

/** The files of an image source (a layout directory, or an archive unpacked into staging), by relative name. */
public interface BlobSource {
    /** The regular file at {@code name} (slash-separated, relative); a missing or unsafe name is malformed. */
    Path file(String name) throws MalformedImageException;

    /** Whether a regular file exists at {@code name}. */
    boolean has(String name);

    /** What to call the source in messages. */
    String describe();
}
