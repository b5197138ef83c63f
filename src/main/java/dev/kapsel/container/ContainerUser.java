package dev.kapsel.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's user as numbers, resolved the way Docker does: {@code uid[:gid]} is taken as is;
 * names are looked up in the image's own {@code /etc/passwd} and {@code /etc/group} (never the host's);
 * the primary group defaults to the user's, supplementary groups come from {@code /etc/group}.
 */
public record ContainerUser(int uid, int gid, List<Integer> additionalGids) {
    public static final ContainerUser ROOT = new ContainerUser(0, 0, List.of());

    public ContainerUser {
        additionalGids = List.copyOf(additionalGids);
    }

    /** Resolves {@code spec} ({@code ""}, {@code name}, {@code uid}, {@code name:group}, {@code uid:gid}) against the image root. */
    public static ContainerUser resolve(String spec, Path imageRoot) throws IOException {
        if (spec == null || spec.isEmpty()) {
            return ROOT;
        }
        String userPart = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String groupPart = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        List<String[]> passwd = table(imageRoot.resolve("etc/passwd"));
        List<String[]> groups = table(imageRoot.resolve("etc/group"));
        int uid;
        int gid;
        String userName = null;
        if (isNumber(userPart)) {
            uid = Integer.parseInt(userPart);
            String[] entry = find(passwd, 2, userPart);
            gid = entry != null ? Integer.parseInt(entry[3]) : uid == 0 ? 0 : uid;
            userName = entry != null ? entry[0] : null;
        } else {
            String[] entry = find(passwd, 0, userPart);
            if (entry == null) {
                throw new IllegalArgumentException("unable to find user " + userPart + ": no matching entries in the image's /etc/passwd");
            }
            uid = Integer.parseInt(entry[2]);
            gid = Integer.parseInt(entry[3]);
            userName = userPart;
        }
        if (groupPart != null) {
            if (isNumber(groupPart)) {
                gid = Integer.parseInt(groupPart);
            } else {
                String[] g = find(groups, 0, groupPart);
                if (g == null) {
                    throw new IllegalArgumentException("unable to find group " + groupPart + ": no matching entries in the image's /etc/group");
                }
                gid = Integer.parseInt(g[2]);
            }
        }
        List<Integer> extra = new ArrayList<>();
        if (userName != null) {
            for (String[] g : groups) {
                if (g.length > 3 && List.of(g[3].split(",")).contains(userName) && Integer.parseInt(g[2]) != gid) {
                    extra.add(Integer.parseInt(g[2]));
                }
            }
        }
        return new ContainerUser(uid, gid, extra);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static String[] find(List<String[]> table, int column, String value) {
        for (String[] row : table) {
            if (row.length > Math.max(column, 3) && row[column].equals(value)) {
                return row;
            }
        }
        return null;
    }

    private static List<String[]> table(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                rows.add(line.split(":", -1));
            }
        }
        return rows;
    }
}
