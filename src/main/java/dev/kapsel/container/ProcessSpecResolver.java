package dev.kapsel.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Combines an image's Entrypoint, Cmd, Env, WorkingDir and User with {@code kapsel run}'s arguments
 * the way Docker does: arguments after the image replace Cmd (Entrypoint stays); {@code --entrypoint}
 * replaces Entrypoint and drops the image's Cmd; the environment is the image's, then the env files',
 * then {@code -e} (a later value for a name wins, {@code -e NAME} takes the caller's value and is
 * skipped if unset); {@code -w} and {@code -u} replace WorkingDir and User; PATH gets Docker's default
 * when nothing sets it.
 */
public final class ProcessSpecResolver {
    public static final String DEFAULT_PATH = ContainerLaunch.DEFAULT_PATH;

    private ProcessSpecResolver() {}

    /** The image's side. Empty lists and strings mean "unset". */
    public record ImageDefaults(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {}

    /** The command line's side; null or empty means "not given". */
    public record Overrides(List<String> entrypoint, List<String> args, List<String> envFiles, List<String> env,
                            String workingDir, String user) {}

    public static ContainerProcess resolve(ImageDefaults image, Overrides flags, Function<String, String> callerEnv) {
        List<String> entrypoint = flags.entrypoint() != null ? flags.entrypoint() : image.entrypoint();
        List<String> cmd;
        if (flags.args() != null && !flags.args().isEmpty()) {
            cmd = flags.args();
        } else if (flags.entrypoint() != null) {
            cmd = List.of();
        } else {
            cmd = image.cmd();
        }
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH.substring("PATH=".length()));
        image.env().forEach(e -> put(env, e, callerEnv));
        flags.envFiles().forEach(e -> put(env, e, callerEnv));
        flags.env().forEach(e -> put(env, e, callerEnv));
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));

        String cwd = nonEmpty(flags.workingDir()) ? flags.workingDir() : nonEmpty(image.workingDir()) ? image.workingDir() : "/";
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be absolute: " + cwd);
        }
        String user = nonEmpty(flags.user()) ? flags.user() : image.user() == null ? "" : image.user();
        return new ContainerProcess(argv, envList, cwd, user);
    }

    private static void put(Map<String, String> env, String entry, Function<String, String> callerEnv) {
        int eq = entry.indexOf('=');
        if (eq == 0) {
            throw new IllegalArgumentException("environment entry without a name: " + entry);
        }
        if (eq < 0) {
            String value = callerEnv.apply(entry);
            if (value != null) {
                env.put(entry, value);
            }
            return;
        }
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** Reads an env file as Docker does: one {@code NAME=value} or {@code NAME} per line, # comments and blank lines skipped. */
    public static List<String> parseEnvFile(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(line.stripLeading());
            }
        }
        return out;
    }
}
