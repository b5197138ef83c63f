package dev.kapsel.cli.oci;

import java.util.List;
import java.util.Set;

/**
 * Which command line a kapsel invocation speaks: runc's (the OCI runtime interface that container
 * engines and tools such as {@code runc}-driving scripts use) or kapsel's own Docker-like one. The
 * two share the words {@code run} and {@code ps}; every other verb belongs to one of them only. The
 * rule, first match wins (docs/oci-runtime.md, "Which dialect"):
 *
 * <ol>
 *   <li>invoked as {@code kapsel-runc} (or {@code runc}): runc;</li>
 *   <li>the first argument is one of runc's global options ({@code --root}, {@code --log},
 *       {@code --log-format}, {@code --systemd-cgroup}, {@code --debug}, {@code --criu},
 *       {@code --rootless}): runc, as every engine passes them first;</li>
 *   <li>the verb is one only runc has ({@code create start state kill delete exec list spec features
 *       pause resume}): runc, so engines that call {@code bin/kapsel} with no global option
 *       (podman/conmon) keep working;</li>
 *   <li>{@code run} with {@code -b}/{@code --bundle} among its options: runc ({@code kapsel run}
 *       takes an image, never a bundle);</li>
 *   <li>{@code ps} with a positional argument (runc's container id; {@code kapsel ps} takes
 *       none): runc;</li>
 *   <li>anything else: kapsel.</li>
 * </ol>
 *
 * So {@code kapsel run IMAGE CMD} and {@code kapsel ps -a} are kapsel's, while {@code runc run ID}
 * without {@code --bundle} needs {@code kapsel-runc} (or a global option) to mean runc's.
 */
public enum Dialect {
    KAPSEL, RUNC;

    /** The program names that always speak runc. */
    static final Set<String> RUNC_PROGRAMS = Set.of("kapsel-runc", "runc");

    /** runc's global options; those in {@link #GLOBALS_WITH_VALUE} take a value. */
    static final Set<String> GLOBALS = Set.of("--root", "--log", "--log-format", "--systemd-cgroup", "--debug", "--criu",
            "--rootless");
    static final Set<String> GLOBALS_WITH_VALUE = Set.of("--root", "--log", "--log-format", "--criu", "--rootless");

    /** Verbs only runc's command line has. */
    static final Set<String> RUNC_ONLY_VERBS = Set.of("create", "start", "state", "kill", "delete", "exec", "list",
            "spec", "features", "pause", "resume");

    /** {@code kapsel run}'s and {@code runc run}'s options that take a value, so their values are not taken for positionals. */
    private static final Set<String> RUN_VALUE_OPTIONS = Set.of("--isolation", "-e", "--env", "--env-file", "-w", "--workdir",
            "-u", "--user", "--entrypoint", "--memory", "--cpus", "--name", "--console-socket", "--pid-file", "--preserve-fds");

    /**
     * @param program the name the launcher was invoked as (the last path element of argv[0]; null or
     *                empty when unknown)
     */
    public static Dialect of(String program, List<String> args) {
        if (program != null && RUNC_PROGRAMS.contains(program)) {
            return RUNC;
        }
        if (args.isEmpty()) {
            return KAPSEL;
        }
        String first = args.getFirst();
        if (GLOBALS.contains(optionName(first))) {
            return RUNC;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (first) {
            case "run" -> hasBundle(rest) ? RUNC : KAPSEL;
            case "ps" -> firstPositional(rest, Set.of("-f", "--format")) != null ? RUNC : KAPSEL;
            default -> RUNC_ONLY_VERBS.contains(first) ? RUNC : KAPSEL;
        };
    }

    /** {@code -b}/{@code --bundle} before the image or container id (after it, it is the container command's). */
    private static boolean hasBundle(List<String> runArgs) {
        for (int i = 0; i < runArgs.size(); i++) {
            String a = runArgs.get(i);
            String name = optionName(a);
            if (name.equals("-b") || name.equals("--bundle") || (a.startsWith("-b") && !a.startsWith("--"))) {
                return true;
            }
            if (!a.startsWith("-") || a.equals("--")) {
                return false;
            }
            if (RUN_VALUE_OPTIONS.contains(a)) {
                i++;
            }
        }
        return false;
    }

    /** The first argument that is neither an option nor the value of one of {@code valueOptions}; null if none. */
    private static String firstPositional(List<String> verbArgs, Set<String> valueOptions) {
        for (int i = 0; i < verbArgs.size(); i++) {
            String a = verbArgs.get(i);
            if (a.equals("--")) {
                return i + 1 < verbArgs.size() ? verbArgs.get(i + 1) : null;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                return a;
            }
            if (valueOptions.contains(a)) {
                i++;
            }
        }
        return null;
    }

    /** {@code --root} for {@code --root=/r} and {@code --root}; the argument itself otherwise. */
    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
    }
}
