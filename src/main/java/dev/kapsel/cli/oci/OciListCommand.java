package dev.kapsel.cli.oci;

import dev.kapsel.oci.state.StateReport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kapsel list}: the containers under {@code --root}. */
@Command(name = "list", description = "OCI: list containers.", mixinStandardHelpOptions = true)
public final class OciListCommand extends OciVerb {
    @Option(names = {"-f", "--format"}, paramLabel = "table|json", description = "output format (default table)")
    String format = "table";

    @Option(names = {"-q", "--quiet"}, description = "print only the ids")
    boolean quiet;

    @Override
    int execute() throws Exception {
        List<StateReport> all = runtime().list();
        if (quiet) {
            all.forEach(s -> System.out.println(s.id()));
        } else if (format.equals("json")) {
            System.out.println(OciJson.compact(all));
        } else {
            System.out.printf("%-20s %-8s %-8s %-40s %s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
            for (StateReport s : all) {
                System.out.printf("%-20s %-8d %-8s %-40s %s%n", s.id(), s.pid(), s.status().json(), s.bundle(), s.created());
            }
        }
        return 0;
    }
}
