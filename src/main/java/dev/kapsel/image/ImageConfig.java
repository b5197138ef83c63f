package dev.kapsel.image;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an image's config says about running it (OCI image spec, "config"; the same fields Docker
 * reads): the run path applies Entrypoint, Cmd, Env, WorkingDir and User as Docker does.
 *
 * @param entrypoint empty when unset
 * @param cmd empty when unset
 * @param env {@code K=V} strings in the image's order
 * @param workingDir empty when unset (meaning "/")
 * @param user empty when unset (meaning root); {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}
 * @param created null when the config has no (parsable) creation time
 * @param diffIds the uncompressed layer digests, bottom first, as the config lists them
 * @param labels the config's {@code Labels} (Dockerfile {@code LABEL}), empty when unset
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                          String user, Instant created, String os, String architecture, List<Digest> diffIds,
                          Map<String, String> labels) {
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        diffIds = List.copyOf(diffIds);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
