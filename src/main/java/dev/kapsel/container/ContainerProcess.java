package dev.kapsel.container;

import java.util.List;

/**
 * The container process as it will run: argv, environment, working directory and user, after the
 * image config and the command-line flags were combined (see {@link ProcessSpecResolver}).
 *
 * @param user as given ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}); empty means root
 */
public record ContainerProcess(List<String> argv, List<String> env, String workingDir, String user) {
    public ContainerProcess {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command: the image has no Entrypoint or Cmd, and none was given");
        }
    }
}
