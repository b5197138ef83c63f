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
 *   <li>{@link #DENSITY} first, so an option the parent was given ({@code KAPSEL_JAVA_OPTS}) overrides it:
 *       a monitor serves one container and many run side by side, so its resident memory is what counts.
 *       See the constant for each choice, and {@code bench/density/RESULTS.md} for the figures.</li>
 *   <li>{@code MALLOC_ARENA_MAX=2} in its environment ({@link #builder}): glibc would otherwise give
 *       each of the monitor's threads that mallocs (FFM arenas, the JIT) an arena of its own, up to
 *       8 per core, each holding freed memory; two arenas hold about as much as one thread uses.</li>
 * </ul>
 */
public final class MonitorCommand {
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * The JVM options that size a monitor for one container.
     * <ul>
     *   <li>{@code -Xms8m}: the JVM would start with 1/64 of the host's memory as heap and a young
     *       generation of a third of that, whose pages the allocations of start-up touch and a young
     *       collection never gives back (~28 MiB resident with a 380 MiB initial heap here). A sandbox
     *       monitor running {@code sleep} keeps ~6 MiB live (most of it the AOT cache's heap objects),
     *       so 8 MiB is a few young collections at start (a millisecond each) and the heap grows from
     *       there as the serial collector's free ratios say. No {@code -Xmx}: the sandbox's writable
     *       layer ({@code MemoryFile}) is on the heap, up to the container's memory limit (2 GiB at
     *       most), and a ceiling below that would turn a large write into an OutOfMemoryError; the
     *       ceiling costs nothing until it is used (reserved address space, not memory). Guest memory
     *       is off the heap (mmap) in both isolations.</li>
     *   <li>{@code -XX:TrimNativeHeapInterval=5000}: the compiler's arenas of start-up (~7 MiB at their
     *       peak) go back to malloc when it is done, and glibc keeps freed memory in its arenas; a
     *       trim every 5 s (on a thread of its own, not at a safepoint) hands it back to the kernel.</li>
     * </ul>
     * Not set, on purpose: {@code -XX:ArchiveRelocationMode=0}, which maps the AOT cache at the address
     * it was made for so its read-only pages are shared (measured: ~9 MiB less PSS per monitor): the
     * monitor is the process a hostile guest attacks, and JDK 20 made relocation the default so the
     * cache's address is randomized; kapsel keeps that. {@code -Xss} (a stack costs only the pages it touched, and the sandbox's
     * threads run guest code whose depth kapsel does not choose), {@code -XX:ReservedCodeCacheSize}
     * (reserved, not resident; a full code cache makes the JVM print a warning into the container's
     * output), {@code -XX:MaxMetaspaceSize} (a limit only, and one the class count of a run with
     * another isolation could hit). The garbage collector and compiler levels come from the parent
     * ({@code kapsel_jvm_flags}: serial collector, C1 only).
     */
    static final List<String> DENSITY = List.of("-Xms8m", "-XX:TrimNativeHeapInterval=5000");

    /** glibc's arena count for the monitor ({@code MALLOC_ARENA_MAX}). */
    static final String MALLOC_ARENAS = "2";

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
        command.addAll(DENSITY);
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

    /**
     * {@link #of} in a process builder whose environment has the monitor's malloc arena count and this
     * process's seccomp mode ({@link MonitorSeccomp}: {@code --no-seccomp} reaches the monitor that way).
     */
    public static ProcessBuilder builder(String mainClass, List<String> args, boolean deliversSignals) {
        ProcessBuilder pb = new ProcessBuilder(of(mainClass, args, deliversSignals));
        pb.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENAS);
        pb.environment().put(MonitorSeccomp.ENVIRONMENT, MonitorSeccomp.mode().word());
        return pb;
    }
}
