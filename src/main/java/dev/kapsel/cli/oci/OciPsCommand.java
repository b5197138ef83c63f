package dev.kapsel.cli.oci;

import dev.kapsel.oci.InvalidStateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ps ID [ps options]}: the host processes of a container, as runc shows them. A container's
 * processes live inside its monitor (the VM or the sandbox runs there) and the exec processes, so
 * those are its host PIDs: {@code --format json} prints them as a JSON array, the table is ps(1)'s
 * output ({@code -ef} unless ps options follow the id) filtered to them.
 */
@Command(name = "ps", description = "ps displays the processes running inside a container", mixinStandardHelpOptions = true)
public final class OciPsCommand extends OciVerb {
    @Option(names = {"-f", "--format"}, paramLabel = "table|json", description = "select one of: table or json (default: table)")
    String format = "table";

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Parameters(index = "1..*", paramLabel = "ps-options", description = "passed to ps(1) (default -ef)")
    List<String> psArgs = new ArrayList<>();

    @Override
    int execute() throws Exception {
        List<Long> pids = runtime().processes(id);
        switch (format) {
            case "json" -> System.out.println(RuncJson.compact(pids));
            case "table" -> System.out.print(table(psOutput(), Set.copyOf(pids)));
            default -> throw new InvalidStateException("invalid format option");
        }
        return 0;
    }

    private String psOutput() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ps"));
        command.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        Process ps = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (ps.waitFor() != 0) {
            throw new InvalidStateException("ps exited with " + ps.exitValue() + ": " + output.strip());
        }
        return output;
    }

    /** ps(1)'s header, then only the lines whose PID column is one of {@code pids} (runc's ps.go). */
    static String table(String psOutput, Set<Long> pids) {
        String[] lines = psOutput.split("\n");
        int pidColumn = List.of(lines[0].trim().split("\\s+")).indexOf("PID");
        if (pidColumn < 0) {
            throw new InvalidStateException("couldn't find PID field in ps output");
        }
        StringBuilder out = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length > pidColumn && pids.contains(parsePid(fields[pidColumn]))) {
                out.append(lines[i]).append('\n');
            }
        }
        return out.toString();
    }

    private static long parsePid(String field) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            throw new InvalidStateException("unable to parse pid: " + field);
        }
    }
}
