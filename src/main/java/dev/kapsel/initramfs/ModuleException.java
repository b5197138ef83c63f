package dev.kapsel.initramfs;

import java.util.List;

/**
 * A kernel module set could not be resolved from a kernel's {@code lib/modules/<version>} tree. One
 * subclass per cause; each message is one line naming the kernel version.
 */
public abstract sealed class ModuleException extends Exception {
    private final String kernelVersion;

    private ModuleException(String kernelVersion, String problem, Throwable cause) {
        super("kernel " + kernelVersion + ": " + problem, cause);
        this.kernelVersion = kernelVersion;
    }

    public String kernelVersion() {
        return kernelVersion;
    }

    /** No module, built-in module or alias has the requested name. */
    public static final class UnknownModule extends ModuleException {
        private final String module;

        public UnknownModule(String kernelVersion, String module) {
            super(kernelVersion, "no module, built-in or alias named '" + module
                    + "' (see modules.dep, modules.builtin and modules.alias)", null);
            this.module = module;
        }

        public String module() {
            return module;
        }
    }

    /** modules.dep makes a module depend on itself, directly or through others. */
    public static final class DependencyCycle extends ModuleException {
        private final List<String> cycle;

        public DependencyCycle(String kernelVersion, List<String> cycle) {
            super(kernelVersion, "modules.dep has a dependency cycle: " + String.join(" -> ", cycle), null);
            this.cycle = List.copyOf(cycle);
        }

        /** The modules on the cycle, the first repeated at the end. */
        public List<String> cycle() {
            return cycle;
        }
    }

    /**
     * The module file is compressed ({@code .ko.xz}, {@code .ko.zst}, {@code .ko.gz}). Debian's 6.1 cloud
     * kernel ships plain {@code .ko} files (CONFIG_MODULE_COMPRESS_NONE) and busybox insmod loads only
     * those, so compressed trees are refused rather than half supported.
     */
    public static final class CompressedModule extends ModuleException {
        private final String path;

        public CompressedModule(String kernelVersion, String path) {
            super(kernelVersion, "module " + path + " is compressed; only plain .ko modules are supported", null);
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    /** An index file (modules.dep, modules.builtin, modules.alias) is absent or unreadable. */
    public static final class MissingIndex extends ModuleException {
        private final String file;

        public MissingIndex(String kernelVersion, String file, Throwable cause) {
            super(kernelVersion, "cannot read " + file + " (" + cause.getMessage()
                    + "); is this an unpacked linux-image package? run bin/setup", cause);
            this.file = file;
        }

        public String file() {
            return file;
        }
    }

    /** A line of an index file does not have the format depmod writes. */
    public static final class MalformedIndex extends ModuleException {
        private final String file;
        private final int line;

        public MalformedIndex(String kernelVersion, String file, int line, String problem) {
            super(kernelVersion, file + " line " + line + ": " + problem, null);
            this.file = file;
            this.line = line;
        }

        public String file() {
            return file;
        }

        public int line() {
            return line;
        }
    }
}
