package dev.kapsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs cannot rot silently (crosvm's ARCHITECTURE.md lesson): every backticked class name and
 * repository path in README.md and docs/*.md names something in the tree, and no page promises work
 * for "part 1" or "not yet" without saying which issue holds it.
 */
class DocReferencesTest {
    /** Names the docs cite from other projects, with whose they are. */
    static final Map<String, String> FOREIGN = Map.of(
            "docs/vsock.md", "Firecracker's vsock design page",
            "Memory32Fixed", "an ACPI ASL resource macro");
    /** Where a backticked JDK class is looked up. */
    private static final List<String> JDK_PACKAGES = List.of("java.lang.", "java.lang.foreign.", "java.nio.",
            "java.nio.channels.", "java.nio.file.", "java.util.", "java.util.concurrent.", "java.io.", "java.net.");
    private static final Set<String> TOP_DIRECTORIES = Set.of("src", "bin", "docs", "harness", "bench", ".ci");

    private static final Pattern BACKTICKED = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern PATH = Pattern.compile("[\\w./-]+(:\\d+(-\\d+)?)?");
    /** CamelCase with an optional member: {@code Bus}, {@code VmConfig}, {@code Bus.fillUnmapped}, {@code Cpu#flush()}. */
    private static final Pattern CLASS = Pattern.compile("([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*)((?:[.#][\\w]+)*)(\\(\\))?");
    private static final Pattern TYPE_DECLARATION = Pattern.compile("\\b(?:class|record|enum|interface)\\s+([A-Z]\\w*)");
    private static final Pattern UNTRACKED_PROMISE = Pattern.compile("(?i)\\b(part 1|not yet)\\b");
    private static final Pattern ISSUE = Pattern.compile("(?i)\\bissue \\d+|#\\d+");

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    private static Set<String> declaredTypes() throws IOException {
        Set<String> types = new HashSet<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = TYPE_DECLARATION.matcher(Files.readString(f));
                    while (m.find()) {
                        types.add(m.group(1));
                    }
                }
            }
        }
        return types;
    }

    private static boolean isJdkClass(String name) {
        for (String pkg : JDK_PACKAGES) {
            try {
                Class.forName(pkg + name, false, DocReferencesTest.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException notThere) {
                // next package
            }
        }
        return false;
    }

    /** What {@code token} fails to name, or null when it names something (or is no reference at all). */
    static String missing(String token, Set<String> types) {
        String t = token.strip();
        if (FOREIGN.containsKey(t)) {
            return null;
        }
        if (PATH.matcher(t).matches() && t.contains("/")) {
            String path = t.replaceFirst(":\\d+(-\\d+)?$", "");
            boolean repositoryPath = TOP_DIRECTORIES.contains(path.split("/", -1)[0]);
            return repositoryPath && !Files.exists(Path.of(path)) ? "path " + path : null;
        }
        Matcher c = CLASS.matcher(t);
        if (c.matches() && !types.contains(c.group(1)) && !isJdkClass(c.group(1))) {
            return "class " + c.group(1);
        }
        return null;
    }

    @Test
    void everyBacktickedClassAndPathExists() throws IOException {
        Set<String> types = declaredTypes();
        assertTrue(types.size() > 300, "read " + types.size() + " types");
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = BACKTICKED.matcher(lines.get(i));
                while (m.find()) {
                    checked++;
                    String what = missing(m.group(1), types);
                    if (what != null) {
                        broken.add(page + ":" + (i + 1) + " names " + what + ", which is not in the tree");
                    }
                }
            }
        }
        assertTrue(checked > 500, "checked only " + checked + " backticked names");
        assertEquals(List.of(), broken);
    }

    @Test
    void noPagePromisesWorkWithoutAnIssue() throws IOException {
        List<String> untracked = new ArrayList<>();
        for (Path page : pages()) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (UNTRACKED_PROMISE.matcher(line).find() && !ISSUE.matcher(line).find()) {
                    untracked.add(page + ":" + (i + 1) + ": " + line.strip());
                }
            }
        }
        assertEquals(List.of(), untracked, "say what is missing, or name the issue that holds it");
    }

    @Test
    void selfCheckTellsNamesThatExistFromOnesThatDoNot() throws IOException {
        Set<String> types = Set.of("Bus", "VmConfig");
        assertEquals(null, missing("Bus.fillUnmapped", types));
        assertEquals(null, missing("VmConfig", types));
        assertEquals(null, missing("MemorySegment", types));
        assertEquals("class NoSuchDevice", missing("NoSuchDevice#run()", types));
        assertEquals(null, missing("README.md", types));
        assertEquals(null, missing("bin/setup:159-176", types));
        assertEquals("path bin/no-such-script", missing("bin/no-such-script", types));
        assertEquals(null, missing("FEATURES_OK", types), "constants are not classes");
        assertTrue(UNTRACKED_PROMISE.matcher("fine for part 1").find());
        assertTrue(ISSUE.matcher("not yet (issue 16)").find());
    }
}
