package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerId;
import dev.kapsel.container.detached.ContainerState;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.detached.HumanDuration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The table {@code kapsel ps} prints: Docker's columns, left-aligned, three spaces apart. */
final class PsTable {
    static final List<String> HEADER = List.of("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
    /** The record's annotation holding the published ports as Docker shows them ({@code 0.0.0.0:8080->80/tcp, ...}). */
    static final String PORTS_ANNOTATION = "dev.kapsel.ports";
    /** Longest command shown before it is cut with an ellipsis, as Docker does. */
    static final int COMMAND_WIDTH = 20;

    private PsTable() {}

    /** One row per container with the state observed for it. */
    record Row(ContainerRecord container, ContainerState state) {}

    static String format(List<Row> rows, Instant now) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row r : rows) {
            ContainerRecord c = r.container();
            cells.add(List.of(ContainerId.shorten(c.id()), c.image(), command(c.command()),
                    HumanDuration.of(Instant.parse(c.created()), now) + " ago", r.state().describe(now),
                    c.annotations().getOrDefault(PORTS_ANNOTATION, ""), c.name()));
        }
        int[] width = new int[HEADER.size()];
        for (List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(width[i] - row.get(i).length() + 3));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    static String command(List<String> argv) {
        String joined = String.join(" ", argv);
        if (joined.length() > COMMAND_WIDTH) {
            joined = joined.substring(0, COMMAND_WIDTH - 1) + "…";
        }
        return "\"" + joined + "\"";
    }
}
