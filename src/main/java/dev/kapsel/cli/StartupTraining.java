package dev.kapsel.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training run behind the JDK's AOT cache ({@code -XX:AOTCacheOutput}, bin/lib/common.sh
 * {@code kapsel_train_aot}): runs several real command lines in one JVM, so the cache holds the
 * classes (loaded and linked) that all of them use, not only one command's. Each command line is one
 * group of arguments ended by {@code ::}, its first word the program name it is run as
 * ({@code kapsel} or {@code kapsel-runc}, which picks the dialect). Their output is discarded; a
 * command that fails still trained the path it took, so the statuses are only counted.
 */
public final class StartupTraining {
    static final String END = "::";

    private StartupTraining() {}

    public static void main(String[] args) {
        List<List<String>> lines = commandLines(Arrays.asList(args));
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        int failed = 0;
        try {
            System.setOut(nowhere);
            System.setErr(nowhere);
            for (List<String> line : lines) {
                System.setProperty(Main.PROGRAM_PROPERTY, line.getFirst());
                try {
                    failed += Main.run(line.subList(1, line.size()).toArray(String[]::new)) == 0 ? 0 : 1;
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        out.println("trained on " + lines.size() + " command lines (" + failed + " ended non-zero)");
    }

    /** The groups of {@code args}, each ended by {@link #END} (the last one may be left open). */
    static List<List<String>> commandLines(List<String> args) {
        List<List<String>> lines = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String a : args) {
            if (a.equals(END)) {
                if (!current.isEmpty()) {
                    lines.add(List.copyOf(current));
                }
                current.clear();
            } else {
                current.add(a);
            }
        }
        if (!current.isEmpty()) {
            lines.add(List.copyOf(current));
        }
        return lines;
    }
}
