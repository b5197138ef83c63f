package dev.kapsel.host;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts a container monitor: this JVM again (its java binary, options and
 * class path), then {@code main} and its arguments. Built here only, for {@code kapsel run -d} and
 * the OCI monitor alike.
 *
 * <ul>
 *   <li>A debugger agent ({@code jdwp}) is dropped: two JVMs cannot listen on one port.</li>
 *   <li>The options that make an AOT cache (a training run's {@code -XX:AOTCacheOutput}) are dropped:
 *       the monitor would write its own cache over the trainer's. One that uses a cache
 *       ({@code -XX:AOTCache}) is kept: monitors share its pages.</li>
 *   <li>{@code -Xrs} is decided per monitor, never inherited: with it the JVM leaves SIGTERM, SIGINT
 *       and SIGHUP at their default actions, so a monitor whose isolation cannot deliver signals
 *       into the container (the sandbox) ends, and the container with it, on the signal an engine
 *       sends; without it the monitor catches them and forwards them ({@link ForwardedSignals}).</li>
 *   <li>{@code --enable-native-access=ALL-UNNAMED} always: every monitor makes FFM downcalls (KVM,
 *       setsid, the start FIFO), and a parent started without it (a test JVM) must not make the
 *       monitor print the JDK's warning into the container's output.</li>
 * </ul>
 */
public final class MonitorCommand {
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private MonitorCommand() {}

    /** This JVM's options the monitor gets too (the list above says which not). */
    static List<String> inherited(List<String> options) {
        List<String> kept = new ArrayList<>();
        for (String option : options) {
            if (!option.contains("jdwp") && !option.startsWith("-Xrs") && !option.startsWith("--enable-native-access")
                    && !option.startsWith("-XX:AOTCacheOutput") && !option.startsWith("-XX:AOTMode")
                    && !option.startsWith("-XX:AOTConfiguration")) {
                kept.add(option);
            }
        }
        return kept;
    }

    public static List<String> of(String mainClass, List<String> args, boolean deliversSignals) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(inherited(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        if (!deliversSignals) {
            command.add("-Xrs");
        }
        command.add(NATIVE_ACCESS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
