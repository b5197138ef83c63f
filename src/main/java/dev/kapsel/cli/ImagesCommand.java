package dev.kapsel.cli;

import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kapsel images}: the images in the store as a table. */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "List stored images: name, digest (short manifest digest), size of their blobs, creation time (UTC).")
final class ImagesCommand implements Callable<Integer> {
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "DIGEST", "SIZE", "CREATED"});
        for (Image image : ImageStore.openDefault().list()) {
            rows.add(new String[] {image.name(), image.manifestDigest().shortForm(), humanSize(image.size()),
                image.config().created() == null ? "-" : CREATED.format(image.config().created())});
        }
        print(rows, spec.commandLine().getOut());
        return 0;
    }

    static void print(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** Bytes in decimal units as Docker prints them: 4.2MB, 812kB, 77B. */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bytes + "B" : String.format(Locale.ROOT, v < 10 ? "%.1f%s" : "%.0f%s", v, units[u]);
    }
}
