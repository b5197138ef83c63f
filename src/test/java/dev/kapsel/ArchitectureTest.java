package dev.kapsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering, enforced over the sources: every {@code dev.kapsel.*} reference in code (imports, static
 * imports, fully qualified names; not comments or strings) is an edge from the referring package to the referred one.
 * Edges between layers must run downward in {@link #RANK}, and no set of packages may depend on each other in a
 * cycle. A plain test over the import lines, not ArchUnit: the whole rule fits on one page.
 */
class ArchitectureTest {
    /**
     * Bottom to top. A layer may use any layer of a lower rank, never its own rank's peers or anything above.
     * Subpackages belong to the layer of their top package (virtio.mmio is virtio, devices.virtio.net is devices);
     * arch.x86 is named because arch has nothing else.
     */
    static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("sys", 0),
            Map.entry("memory", 1), Map.entry("state", 1),
            Map.entry("kvm", 2),
            Map.entry("host", 3),
            Map.entry("arch.x86", 4),
            Map.entry("boot", 5), Map.entry("acpi", 5),
            Map.entry("bus", 6),
            Map.entry("virtio", 7),
            Map.entry("devices", 8),
            Map.entry("vmm", 9), Map.entry("sandbox", 9),
            Map.entry("initramfs", 10), Map.entry("image", 10), Map.entry("agent", 10), Map.entry("api", 10),
            Map.entry("container", 11),
            Map.entry("oci", 12),
            Map.entry("cli", 13));

    /** Layers that may use only some of the layers below them. */
    static final Map<String, Set<String>> ONLY = Map.of(
            "host", Set.of("sys", "kvm"),
            // the sandbox is its own kernel beside the VMM: no devices, no monitor
            "sandbox", Set.of("sys", "memory", "kvm", "arch.x86", "host"));

    /** Lower layers a layer must reach only through another one. */
    static final Map<String, Set<String>> NOT = Map.of(
            // the OCI runtime starts machines through container, which wraps their exceptions
            "oci", Set.of("vmm", "initramfs"));

    /**
     * Layer edges against the order that are still in the tree, each with its reason. Empty this list as they go:
     * the test fails when a listed edge is no longer there, so the list cannot go stale.
     */
    static final Map<Edge, String> KNOWN_VIOLATIONS = Map.of();

    /**
     * Package cycles inside one layer that are still in the tree, each with its reason; the test fails on any other
     * cycle and when one of these changes or goes.
     */
    static final Map<Set<String>, String> KNOWN_CYCLES = Map.of(
            Set.of("sandbox", "sandbox.fs", "sandbox.loader", "sandbox.mm", "sandbox.net", "sandbox.syscall"),
            "sandbox syscall issue: Kernel/Task are the hub every subpackage reaches, and syscalls live in both sandbox and sandbox.syscall",
            Set.of("oci", "oci.backend", "oci.monitor", "oci.spec", "oci.state"),
            "the OCI verbs (oci), the monitor that runs them (oci.monitor), the launch mapping (oci.backend) and the records (oci.state) share their exceptions and records both ways",
            Set.of("cli", "cli.oci"),
            "cli.Main picks the root command by cli.oci.Dialect, and the runc verbs use cli's shared CommandFailure and one-line errors",
            Set.of("image", "image.layer", "image.source"),
            "image's API package (ImageStore, Staging) composes its layer and source subpackages, which use its model types");

    /**
     * Simple class names that two packages still both declare (review 2.3), each with its reason; a
     * reader of an import cannot tell them apart. The test fails on any other and when one of these goes.
     */
    static final Map<String, String> KNOWN_SHARED_NAMES = Map.of();

    record Edge(String from, String to) {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void everyPackageBelongsToALayer() {
        Map<String, Set<String>> graph = packageGraph(SOURCES);
        assertTrue(graph.size() > 30, () -> "read only " + graph.keySet());
        assertTrue(graph.get("vmm").contains("kvm"), "the scan misses vmm -> kvm");
        Set<String> unplaced = graph.keySet().stream().filter(p -> !RANK.containsKey(layerOf(p)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), unplaced, "packages without a layer in ArchitectureTest.RANK");
    }

    @Test
    void noEdgeRunsAgainstTheOrderButTheKnownOnes() {
        Set<Edge> found = violations(packageGraph(SOURCES));
        Set<Edge> unknown = new TreeSet<>(Comparator.comparing(Edge::toString));
        unknown.addAll(found);
        unknown.removeAll(KNOWN_VIOLATIONS.keySet());
        assertEquals(Set.of(), unknown, "edges against the layer order (bottom to top: " + order() + ")");
        Set<Edge> stale = new TreeSet<>(Comparator.comparing(Edge::toString));
        stale.addAll(KNOWN_VIOLATIONS.keySet());
        stale.removeAll(found);
        assertEquals(Set.of(), stale, "fixed, so remove them from ArchitectureTest.KNOWN_VIOLATIONS");
    }

    @Test
    void layersFormNoCycle() {
        assertEquals(List.of(), cycles(layerGraph(packageGraph(SOURCES))));
    }

    @Test
    void packagesFormNoCycleButTheKnownOnes() {
        Set<Set<String>> found = new HashSet<>(cycles(packageGraph(SOURCES)));
        Set<Set<String>> unknown = new HashSet<>(found);
        unknown.removeAll(KNOWN_CYCLES.keySet());
        assertEquals(Set.of(), unknown, "package cycles");
        Set<Set<String>> stale = new HashSet<>(KNOWN_CYCLES.keySet());
        stale.removeAll(found);
        assertEquals(Set.of(), stale, "changed or gone, so update ArchitectureTest.KNOWN_CYCLES");
    }

    @Test
    void noTwoPackagesDeclareTheSameClassNameButTheKnownOnes() throws IOException {
        Map<String, Set<String>> packagesOf = new TreeMap<>();
        Path base = SOURCES.resolve("dev/kapsel");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                packagesOf.computeIfAbsent(name, k -> new TreeSet<>())
                        .add(base.relativize(f.getParent()).toString().replace('/', '.'));
            }
        }
        assertTrue(packagesOf.size() > 300, "read " + packagesOf.size() + " names");
        Map<String, Set<String>> shared = new TreeMap<>(packagesOf);
        shared.values().removeIf(p -> p.size() < 2);
        assertEquals(new TreeSet<>(KNOWN_SHARED_NAMES.keySet()), shared.keySet(),
                "class names declared in more than one package: " + shared);
    }

    /** The checks above cannot pass by checking nothing: a graph with a cycle and an upward edge is caught. */
    @Test
    void selfCheckCatchesACycleAndAnEdgeAgainstTheOrder() {
        Map<String, Set<String>> graph = Map.of(
                "devices.legacy", Set.of("vmm", "bus"),
                "vmm", Set.of("devices.legacy", "kvm"),
                "sandbox.machine", Set.of("kvm", "devices.legacy"),
                "host", Set.of("memory"),
                "oci.backend", Set.of("vmm"),
                "kvm", Set.of("sys"),
                "bus", Set.of());
        assertEquals(Set.of(new Edge("devices", "vmm"), new Edge("sandbox", "devices"), new Edge("host", "memory"),
                new Edge("oci", "vmm")),
                violations(graph));
        assertEquals(List.of(Set.of("devices.legacy", "vmm")), cycles(graph));
        assertEquals(List.of(Set.of("devices", "vmm")), cycles(layerGraph(graph)));
    }

    @Test
    void selfCheckReadsImportsAndQualifiedNamesButNotCommentsOrStrings() {
        String source = """
                package dev.kapsel.vmm;
                import dev.kapsel.kvm.VcpuFd;
                import static dev.kapsel.sys.Libc.check;
                import dev.kapsel.memory.*;
                /** See {@link dev.kapsel.cli.Main}. */
                class X { // dev.kapsel.oci.OciRuntime
                    String s = "dev.kapsel.container.Nope";
                    char c = '"';
                    Object o = dev.kapsel.arch.x86.Layout.class;
                    String t = \"""
                        dev.kapsel.image.Nope
                        \""";
                }
                """;
        assertEquals(Set.of("kvm", "sys", "memory", "arch.x86"), referencedPackages(source));
    }

    // --- the graph -------------------------------------------------------------------------------------------

    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.kapsel\\.((?:[a-z_][a-z0-9_]*\\.)+)[A-Z*]");

    /** Package to the other dev.kapsel packages its sources reference. */
    static Map<String, Set<String>> packageGraph(Path root) {
        Map<String, Set<String>> graph = new TreeMap<>();
        Path base = root.resolve("dev/kapsel");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = base.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                referencedPackages(Files.readString(file)).stream().filter(p -> !p.equals(pkg)).forEach(uses::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    static Set<String> referencedPackages(String source) {
        Set<String> packages = new TreeSet<>();
        Matcher m = REFERENCE.matcher(codeOnly(source));
        while (m.find()) {
            String pkg = m.group(1).substring(0, m.group(1).length() - 1);
            packages.add(pkg);
        }
        packages.remove(declaredPackage(source));
        return packages;
    }

    private static String declaredPackage(String source) {
        Matcher m = Pattern.compile("^package dev\\.kapsel\\.([a-z0-9_.]+);", Pattern.MULTILINE).matcher(source);
        return m.find() ? m.group(1) : "";
    }

    /** The source with comments, strings, text blocks and char literals blanked, so only code is scanned. */
    static String codeOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int end;
            if (s.startsWith("//", i)) {
                end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                end = closing(s, i + 3, "\"\"\"");
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                end = closing(s, i + 1, String.valueOf(s.charAt(i)));
            } else {
                out.append(s.charAt(i++));
                continue;
            }
            out.append(' ');
            i = end;
        }
        return out.toString();
    }

    /** Index after the unescaped {@code quote} that closes a literal whose body starts at {@code from}. */
    private static int closing(String s, int from, String quote) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == '\\') {
                i += 2;
            } else if (s.startsWith(quote, i)) {
                return i + quote.length();
            } else {
                i++;
            }
        }
        return s.length();
    }

    static String layerOf(String pkg) {
        return pkg.equals("arch.x86") || pkg.startsWith("arch.x86.") ? "arch.x86" : pkg.split("\\.")[0];
    }

    static Map<String, Set<String>> layerGraph(Map<String, Set<String>> packages) {
        Map<String, Set<String>> layers = new TreeMap<>();
        packages.forEach((from, tos) -> {
            Set<String> uses = layers.computeIfAbsent(layerOf(from), k -> new TreeSet<>());
            tos.stream().map(ArchitectureTest::layerOf).filter(l -> !l.equals(layerOf(from))).forEach(uses::add);
        });
        return layers;
    }

    static Set<Edge> violations(Map<String, Set<String>> packages) {
        Set<Edge> bad = new HashSet<>();
        layerGraph(packages).forEach((from, tos) -> {
            for (String to : tos) {
                boolean downward = RANK.getOrDefault(to, Integer.MAX_VALUE) < RANK.getOrDefault(from, -1);
                boolean permitted = ONLY.getOrDefault(from, Set.of(to)).contains(to)
                        && !NOT.getOrDefault(from, Set.of()).contains(to);
                if (!downward || !permitted) {
                    bad.add(new Edge(from, to));
                }
            }
        });
        return bad;
    }

    /** The strongly connected components with more than one member (Tarjan), each a cycle of packages. */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Tarjan t = new Tarjan(graph);
        graph.keySet().forEach(v -> {
            if (!t.index.containsKey(v)) {
                t.visit(v);
            }
        });
        return t.components;
    }

    private static final class Tarjan {
        final Map<String, Set<String>> graph;
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final List<Set<String>> components = new ArrayList<>();

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    components.add(component);
                }
            }
        }
    }

    private static String order() {
        return RANK.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .collect(Collectors.joining(" < "));
    }
}
