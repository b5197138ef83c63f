package dev.kapsel.initramfs;

import dev.kapsel.host.GuestKernels;
import dev.kapsel.host.StateDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The initramfs kapsel boots a stock distribution kernel with: busybox, the modules for the wanted
 * {@link GuestFeature}s (resolved through {@link KernelModules}, loaded in dependency order), and an
 * {@code /init} that loads them and then runs a script or switches to a root block device. Everything
 * that varies per boot comes from {@code kapsel.*} parameters on the kernel command line (see
 * {@code guest-init.sh}), so one image per kernel and module set is built once and cached under
 * {@code <state>/initramfs/<kernel-version>-<hash of the inputs>.cpio.gz}.
 */
public final class GuestInitramfs {
    /** Where the module load order goes in the image: one path per line, relative to /. */
    public static final String MODULE_LIST = "kapsel/modules";
    /** Where the kernel release the image was built for goes; /init refuses to run under another. */
    public static final String KERNEL_VERSION = "kapsel/kernel-version";
    /** Where the script run without {@code kapsel.root=} goes. */
    public static final String SCRIPT = "kapsel/script";
    /** Bumped when the image layout changes in a way the inputs do not show. */
    private static final String FORMAT = "kapsel-guest-initramfs 1";

    private final KernelModules kernel;
    private final List<KernelModule> modules;
    private final Optional<String> script;
    private final Map<String, Path> programs;

    private GuestInitramfs(KernelModules kernel, List<KernelModule> modules, Optional<String> script,
                           Map<String, Path> programs) {
        this.kernel = kernel;
        this.modules = List.copyOf(modules);
        this.script = script;
        this.programs = Map.copyOf(programs);
    }

    /** Starts describing an initramfs for the kernel whose module index is {@code kernel}. */
    public static Builder forKernel(KernelModules kernel) {
        return new Builder(kernel);
    }

    /**
     * The cached initramfs for the kernel in the state directory's kernel cache with the modules
     * {@code features} need, built on first use. The user only names the kernel; this finds the rest.
     */
    public static Path forDefaultKernel(Collection<GuestFeature> features)
            throws IOException, ModuleException, NoGuestKernelException {
        Path state = StateDirectory.resolve();
        GuestKernels kernels = new GuestKernels(state);
        Path moduleTree = kernels.defaultModules().orElseThrow(() -> new NoGuestKernelException(kernels.defaultDirectory()));
        return forKernel(KernelModules.load(moduleTree)).features(features).build().cachedIn(state.resolve("initramfs"));
    }

    /** The kernel release this image is for. */
    public String kernelVersion() {
        return kernel.version();
    }

    /** The modules /init loads, in load order. */
    public List<KernelModule> modules() {
        return modules;
    }

    /** The /init script, as it is in the image. */
    public static String initScript() {
        try (InputStream in = GuestInitramfs.class.getResourceAsStream("guest-init.sh")) {
            if (in == null) {
                throw new IllegalStateException("guest-init.sh is missing from kapsel's classes");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image, in memory. Reads busybox and the module files. */
    public Initramfs toInitramfs() throws IOException {
        Initramfs image = BusyboxInitramfs.withInit(initScript());
        StringBuilder order = new StringBuilder();
        for (KernelModule m : modules) {
            String inImage = "lib/modules/" + kernel.version() + "/" + m.path();
            image.copy(kernel.file(m), inImage, 0644);
            order.append(inImage).append('\n');
        }
        image.file(MODULE_LIST, 0644, order.toString());
        image.file(KERNEL_VERSION, 0644, kernel.version() + "\n");
        if (script.isPresent()) {
            image.file(SCRIPT, 0755, script.get());
        }
        for (Map.Entry<String, Path> p : new TreeMap<>(programs).entrySet()) {
            image.copy(p.getValue(), p.getKey(), 0755);
        }
        return image;
    }

    /**
     * The file name the image is cached under: the kernel version and a hash of everything that goes
     * into the image (/init, the script, the module list and its order, and each input file by its
     * path, inode, size and modification time), so a changed input never reuses a stale image.
     * Files are named by their {@link #stamp}, not their bytes: hashing busybox, the modules and the
     * agent on every {@code kapsel run} cost a good part of its preparation time.
     */
    public String cacheName() throws IOException {
        MessageDigest sha = sha256();
        field(sha, FORMAT.getBytes(StandardCharsets.UTF_8));
        field(sha, kernel.version().getBytes(StandardCharsets.UTF_8));
        field(sha, initScript().getBytes(StandardCharsets.UTF_8));
        field(sha, stamp(BusyboxInitramfs.BUSYBOX));
        for (KernelModule m : modules) {
            field(sha, m.path().getBytes(StandardCharsets.UTF_8));
            field(sha, stamp(kernel.file(m)));
        }
        field(sha, script.map(s -> "script\n" + s).orElse("no script").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Path> p : new TreeMap<>(programs).entrySet()) {
            field(sha, p.getKey().getBytes(StandardCharsets.UTF_8));
            field(sha, stamp(p.getValue()));
        }
        return kernel.version() + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".cpio.gz";
    }

    /**
     * The image as a file in {@code directory}, built and written there (to a temporary file, then
     * renamed into place) unless a file of the same {@link #cacheName()} is already there.
     */
    public Path cachedIn(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(cacheName());
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path temp = Files.createTempFile(directory, "." + target.getFileName(), ".partial");
        try {
            toInitramfs().writeTo(temp); // closes the file when done
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A file's identity for the cache key: its real path, inode, size and modification time (to the
     * nanosecond where the file system keeps it). Rewriting or replacing the file changes it.
     */
    static byte[] stamp(Path file) throws IOException {
        Path real = file.toRealPath();
        Map<String, Object> a = Files.readAttributes(real, "unix:ino,size,lastModifiedTime");
        String s = real + "\0" + a.get("ino") + "\0" + a.get("size") + "\0"
                + ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.NANOSECONDS);
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Length-prefixed, so no two different input lists hash the same byte stream. */
    private static void field(MessageDigest sha, byte[] bytes) {
        long n = bytes.length;
        for (int i = 7; i >= 0; i--) {
            sha.update((byte) (n >>> (8 * i)));
        }
        sha.update(bytes);
    }

    /** Collects features, extra module names and an optional script, then resolves the modules. */
    public static final class Builder {
        private final KernelModules kernel;
        private final Set<GuestFeature> features = EnumSet.noneOf(GuestFeature.class);
        private final List<String> moduleNames = new ArrayList<>();
        private Optional<String> script = Optional.empty();
        private final Map<String, Path> programs = new HashMap<>();

        private Builder(KernelModules kernel) {
            this.kernel = Objects.requireNonNull(kernel);
        }

        public Builder features(Collection<GuestFeature> wanted) {
            features.addAll(wanted);
            return this;
        }

        public Builder feature(GuestFeature wanted) {
            features.add(wanted);
            return this;
        }

        /** Modules by name or alias, loaded after those of the features. */
        public Builder modules(Collection<String> names) {
            moduleNames.addAll(names);
            return this;
        }

        /** A busybox sh script /init runs (after loading the modules) when no {@code kapsel.root=} is given. */
        public Builder script(String text) {
            script = Optional.of(Objects.requireNonNull(text));
            return this;
        }

        /** A host executable copied into the image at {@code pathInImage} (for example the guest agent). */
        public Builder program(String pathInImage, Path host) {
            programs.put(pathInImage, Objects.requireNonNull(host));
            return this;
        }

        /** Resolves the modules: fails on unknown names, cycles and compressed module files. */
        public GuestInitramfs build() throws ModuleException {
            List<String> wanted = new ArrayList<>();
            for (GuestFeature f : features) {
                wanted.addAll(f.modules());
            }
            wanted.addAll(moduleNames);
            return new GuestInitramfs(kernel, kernel.resolve(wanted), script, programs);
        }
    }
}
