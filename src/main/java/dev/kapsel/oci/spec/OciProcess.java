package dev.kapsel.oci.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The {@code process} object of config.json, also the whole of an {@code exec --process} file: what
 * runs, as whom, where, with which limits, and whether it gets a terminal.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciProcess(boolean terminal, User user, List<String> args, List<String> env, String cwd,
                         List<Rlimit> rlimits, Boolean noNewPrivileges) {
    public OciProcess {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
        user = user == null ? new User(0, 0, List.of()) : user;
    }

    /** {@code process.user}: numeric ids, as the specification requires on Linux. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(long uid, long gid, List<Long> additionalGids) {
        public User {
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        }
    }

    /** One POSIX resource limit, e.g. {@code RLIMIT_NOFILE}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rlimit(String type, long hard, long soft) {}
}
