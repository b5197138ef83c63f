package dev.kapsel.initramfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The module index of one kernel, read from the files depmod writes into {@code lib/modules/<version>}:
 * {@code modules.dep} (each module's file and the files it needs), {@code modules.builtin} (modules
 * compiled into the kernel image, which need no loading) and {@code modules.alias} (other names a
 * module answers to). Resolves requested names to the files to {@code insmod}, dependencies first.
 */
public final class KernelModules {
    static final String DEP = "modules.dep";
    static final String BUILTIN = "modules.builtin";
    static final String ALIAS = "modules.alias";

    private record Alias(String pattern, String module) {}

    private final Path directory;
    private final String version;
    private final Map<String, KernelModule> modules;
    private final Map<String, List<String>> dependencies;
    private final Set<String> builtin;
    private final List<Alias> aliases;

    private KernelModules(Path directory, String version, Map<String, KernelModule> modules,
                          Map<String, List<String>> dependencies, Set<String> builtin, List<Alias> aliases) {
        this.directory = directory;
        this.version = version;
        this.modules = modules;
        this.dependencies = dependencies;
        this.builtin = builtin;
        this.aliases = aliases;
    }

    /**
     * Reads the index of {@code directory}, a kernel's {@code lib/modules/<version>}; the directory name
     * is the kernel version. modules.dep is required; modules.builtin and modules.alias are optional.
     */
    public static KernelModules load(Path directory) throws ModuleException {
        String version = directory.getFileName().toString();
        List<String> dep = lines(directory, DEP, version, true);
        Map<String, KernelModule> modules = new LinkedHashMap<>();
        Map<String, List<String>> dependencyPaths = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < dep.size(); i++) {
            String line = dep.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ModuleException.MalformedIndex(version, DEP, i + 1, "expected 'module.ko: dependencies'");
            }
            String path = relative(line.substring(0, colon).strip(), version, DEP, i + 1);
            String name = KernelModule.nameOfPath(path);
            if (modules.containsKey(name)) {
                continue; // modprobe uses the first file of a name; so do we
            }
            List<String> deps = new ArrayList<>();
            String rest = line.substring(colon + 1).strip();
            if (!rest.isEmpty()) {
                for (String d : rest.split("\\s+")) {
                    deps.add(relative(d, version, DEP, i + 1));
                }
            }
            modules.put(name, new KernelModule(name, path));
            dependencyPaths.put(name, deps);
            lineOf.put(name, i + 1);
        }
        Map<String, List<String>> dependencies = new HashMap<>();
        for (Map.Entry<String, List<String>> e : dependencyPaths.entrySet()) {
            List<String> names = new ArrayList<>();
            for (String d : e.getValue()) {
                String dn = KernelModule.nameOfPath(d);
                if (!modules.containsKey(dn)) {
                    throw new ModuleException.MalformedIndex(version, DEP, lineOf.get(e.getKey()),
                            e.getKey() + " depends on " + d + ", which has no line of its own");
                }
                names.add(dn);
            }
            dependencies.put(e.getKey(), List.copyOf(names));
        }
        Set<String> builtin = new HashSet<>();
        for (String line : lines(directory, BUILTIN, version, false)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                builtin.add(KernelModule.nameOfPath(l));
            }
        }
        List<Alias> aliases = new ArrayList<>();
        List<String> alias = lines(directory, ALIAS, version, false);
        for (int i = 0; i < alias.size(); i++) {
            String l = alias.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length != 3 || !f[0].equals("alias")) {
                throw new ModuleException.MalformedIndex(version, ALIAS, i + 1, "expected 'alias PATTERN MODULE'");
            }
            aliases.add(new Alias(f[1], KernelModule.canonicalName(f[2])));
        }
        return new KernelModules(directory, version, Map.copyOf(modules), Map.copyOf(dependencies),
                Set.copyOf(builtin), List.copyOf(aliases));
    }

    private static List<String> lines(Path directory, String file, String version, boolean required) throws ModuleException {
        try {
            return Files.readAllLines(directory.resolve(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new ModuleException.MissingIndex(version, directory.resolve(file).toString(), e);
            }
            return List.of();
        } catch (IOException e) {
            throw new ModuleException.MissingIndex(version, directory.resolve(file).toString(), e);
        }
    }

    private static String relative(String path, String version, String file, int line) throws ModuleException {
        if (path.isEmpty() || path.startsWith("/") || path.equals("..") || path.startsWith("../")
                || path.contains("/../") || path.endsWith("/..") || !path.contains(".ko")) {
            throw new ModuleException.MalformedIndex(version, file, line,
                    "'" + path + "' is not a module file relative to the module directory");
        }
        return path;
    }

    /** The kernel release these modules belong to ({@code uname -r} in the guest). */
    public String version() {
        return version;
    }

    /** The {@code lib/modules/<version>} directory this index was read from. */
    public Path directory() {
        return directory;
    }

    /** The module's file on the host. */
    public Path file(KernelModule module) {
        return directory.resolve(module.path());
    }

    /** Whether {@code name} is compiled into the kernel image ({@code -} and {@code _} equivalent). */
    public boolean isBuiltin(String name) {
        return builtin.contains(KernelModule.canonicalName(name));
    }

    /**
     * The modules to load, in order, so that every requested module is present: each module after all
     * it depends on, each once. A request is a module name ({@code -} and {@code _} equivalent), a
     * built-in module (resolves to nothing), or an alias from modules.alias (resolves to every loadable
     * module it matches, shell-glob patterns included).
     */
    public List<KernelModule> resolve(Collection<String> requested) throws ModuleException {
        LinkedHashMap<String, KernelModule> order = new LinkedHashMap<>();
        for (String request : requested) {
            for (String name : lookup(request)) {
                visit(name, new ArrayList<>(), new HashSet<>(), order);
            }
        }
        return List.copyOf(order.values());
    }

    private Set<String> lookup(String request) throws ModuleException {
        String name = KernelModule.canonicalName(request);
        if (modules.containsKey(name)) {
            return Set.of(name);
        }
        if (builtin.contains(name)) {
            return Set.of();
        }
        Set<String> found = new LinkedHashSet<>();
        boolean matched = false;
        for (Alias a : aliases) {
            if (Glob.matches(a.pattern(), request) || Glob.matches(a.pattern(), name)) {
                matched = true;
                if (modules.containsKey(a.module())) {
                    found.add(a.module());
                }
            }
        }
        if (!matched) {
            throw new ModuleException.UnknownModule(version, request);
        }
        return found;
    }

    private void visit(String name, List<String> path, Set<String> onPath, Map<String, KernelModule> order)
            throws ModuleException {
        if (order.containsKey(name)) {
            return;
        }
        if (onPath.contains(name)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            throw new ModuleException.DependencyCycle(version, cycle);
        }
        path.add(name);
        onPath.add(name);
        for (String dependency : dependencies.get(name)) {
            visit(dependency, path, onPath, order);
        }
        path.remove(path.size() - 1);
        onPath.remove(name);
        KernelModule module = modules.get(name);
        if (module.compressed()) {
            throw new ModuleException.CompressedModule(version, module.path());
        }
        order.put(name, module);
    }
}
