package dev.kapsel.cli.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.kapsel.oci.InvalidStateException;
import dev.kapsel.oci.state.StateReport;
import dev.kapsel.oci.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code list}: the containers under {@code --root}, in runc's table or JSON. */
@Command(name = "list", description = "lists containers started by kapsel-runc with the given root", mixinStandardHelpOptions = true)
public final class OciListCommand extends OciVerb {
    @Option(names = {"-f", "--format"}, paramLabel = "table|json", description = "select one of: table or json (default: table)")
    String format = "table";

    @Option(names = {"-q", "--quiet"}, description = "display only container IDs")
    boolean quiet;

    /** One container as runc's list prints it: its state plus the state directory's owner; no annotations when there are none. */
    @JsonPropertyOrder({"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "annotations", "owner"})
    record Entry(String ociVersion, String id, long pid, String status, String bundle, String rootfs, String created,
                 @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations, String owner) {
        static Entry of(StateReport s, String owner) {
            return new Entry(s.ociVersion(), s.id(), s.pid(), s.status().json(), s.bundle(), s.rootfs(), s.created(),
                    s.annotations(), owner);
        }
    }

    @Override
    int execute() throws Exception {
        if (!format.equals("table") && !format.equals("json")) {
            throw new InvalidStateException("invalid format option");
        }
        StateStore store = runtime().store();
        List<Entry> all = runtime().list().stream().map(s -> Entry.of(s, owner(store, s.id()))).toList();
        if (quiet) {
            all.forEach(e -> System.out.println(e.id()));
        } else if (format.equals("json")) {
            System.out.println(json(all));
        } else {
            System.out.print(table(all));
        }
        return 0;
    }

    /** runc encodes no containers as Go's nil slice: {@code null}, not {@code []}. */
    static String json(List<Entry> entries) throws IOException {
        return entries.isEmpty() ? "null" : RuncJson.compact(entries);
    }

    /** runc's tabwriter (minimum width 12, padding 3): each column as wide as its widest cell plus 3, at least 12; the last unpadded. */
    static String table(List<Entry> entries) {
        List<List<String>> rows = new java.util.ArrayList<>();
        rows.add(List.of("ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"));
        for (Entry e : entries) {
            rows.add(List.of(e.id(), Long.toString(e.pid()), e.status(), e.bundle(), e.created(), e.owner()));
        }
        int columns = rows.getFirst().size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                width[c] = Math.max(width[c], Math.max(12, row.get(c).length() + 3));
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                out.append(row.get(c)).append(" ".repeat(width[c] - row.get(c).length()));
            }
            out.append(row.get(columns - 1)).append('\n');
        }
        return out.toString();
    }

    private static String owner(StateStore store, String id) {
        try {
            return Files.getOwner(store.directory(id)).getName();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
