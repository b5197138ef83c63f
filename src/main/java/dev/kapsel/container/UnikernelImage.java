package dev.kapsel.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.boot.BootProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * What makes a container image a unikernel and how to boot it: the kernel file inside the image, its
 * command line, an optional initrd, and the boot protocol when the file alone should not decide.
 *
 * <p>Two vocabularies are read, in image labels, OCI annotations, or the {@code /urunc.json} file in
 * the image's root (urunc's fallback for engines that drop annotations):
 * <ul>
 *   <li>kapsel's own, plain text: {@code dev.kapsel.unikernel.kernel} (required), {@code .cmdline},
 *       {@code .initrd}, {@code .boot-protocol} ({@code pvh}, {@code multiboot}, {@code elf64}, {@code linux});</li>
 *   <li>urunc's: {@code com.urunc.unikernel.binary} (required), {@code .cmdline}, {@code .initrd}, whose
 *       values urunc stores base64-encoded; a value that is not valid base64 is taken as written, as some
 *       packagers write them.</li>
 * </ul>
 * kapsel's keys win when both are present. Paths are inside the image's root; {@link #resolve} finds them
 * there without leaving it.
 */
public record UnikernelImage(String kernel, String cmdline, Optional<String> initrd, Optional<BootProtocol> protocol) {
    public static final String KERNEL = "dev.kapsel.unikernel.kernel";
    public static final String CMDLINE = "dev.kapsel.unikernel.cmdline";
    public static final String INITRD = "dev.kapsel.unikernel.initrd";
    public static final String BOOT_PROTOCOL = "dev.kapsel.unikernel.boot-protocol";
    public static final String URUNC_BINARY = "com.urunc.unikernel.binary";
    public static final String URUNC_CMDLINE = "com.urunc.unikernel.cmdline";
    public static final String URUNC_INITRD = "com.urunc.unikernel.initrd";
    /** urunc's file in the image's root that repeats the annotations. */
    public static final String URUNC_JSON = "urunc.json";
    /** Bounds what is read from a guest-supplied image: no real urunc.json or command line comes close. */
    static final int MAX_JSON = 64 * 1024;
    static final int MAX_CMDLINE = 4096;

    public UnikernelImage {
        if (kernel == null || kernel.isBlank()) {
            throw new IllegalArgumentException("a unikernel image names no kernel file");
        }
        cmdline = cmdline == null ? "" : cmdline;
        if (cmdline.length() > MAX_CMDLINE) {
            throw new IllegalArgumentException("the unikernel command line is " + cmdline.length() + " characters; at most "
                    + MAX_CMDLINE);
        }
        initrd = initrd.filter(s -> !s.isBlank());
    }

    /** The same image with the command line the user gave ({@code kapsel run IMG ARGS...}). */
    public UnikernelImage withCmdline(String line) {
        return new UnikernelImage(kernel, line, initrd, protocol);
    }

    /**
     * The unikernel {@code labels} (image labels or OCI annotations) describe, if they describe one.
     *
     * @throws IllegalArgumentException for keys that are present but unusable (a bad boot protocol, a
     *                                  command line too long), naming the key
     */
    public static Optional<UnikernelImage> fromLabels(Map<String, String> labels) {
        String kernel = labels.get(KERNEL);
        if (kernel != null && !kernel.isBlank()) {
            Optional<BootProtocol> protocol = Optional.ofNullable(labels.get(BOOT_PROTOCOL)).filter(s -> !s.isBlank()).map(p -> {
                try {
                    return BootProtocol.parse(p);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(BOOT_PROTOCOL + ": " + e.getMessage(), e);
                }
            });
            return Optional.of(new UnikernelImage(kernel, labels.get(CMDLINE), Optional.ofNullable(labels.get(INITRD)), protocol));
        }
        String binary = urunc(labels.get(URUNC_BINARY));
        if (binary != null && !binary.isBlank()) {
            return Optional.of(new UnikernelImage(binary, urunc(labels.get(URUNC_CMDLINE)),
                    Optional.ofNullable(urunc(labels.get(URUNC_INITRD))), Optional.empty()));
        }
        return Optional.empty();
    }

    /**
     * The unikernel {@code root/urunc.json} describes: a JSON object of string values, urunc's keys (or
     * kapsel's). Empty when there is no such file.
     *
     * @throws IllegalArgumentException for a file that is there but not such an object, or too large
     */
    public static Optional<UnikernelImage> fromRoot(Path root) throws IOException {
        Path file = root.resolve(URUNC_JSON);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_JSON + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length > MAX_JSON) {
            throw new IllegalArgumentException("/" + URUNC_JSON + " in the image is larger than " + MAX_JSON + " bytes");
        }
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("/" + URUNC_JSON + " in the image is not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("/" + URUNC_JSON + " in the image is not a JSON object");
        }
        Map<String, String> labels = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                labels.put(e.getKey(), e.getValue().asText());
            }
        }
        return fromLabels(labels);
    }

    /** The labels' unikernel, else the one {@code root/urunc.json} describes. */
    public static Optional<UnikernelImage> find(Map<String, String> labels, Path root) throws IOException {
        Optional<UnikernelImage> labelled = fromLabels(labels);
        return labelled.isPresent() || root == null ? labelled : fromRoot(root);
    }

    /** The container root this image boots from {@code tree}, its unpacked root: kernel and initrd found inside it. */
    public ContainerLaunch.RootFs.Unikernel root(Path tree) throws IOException {
        Path k = resolve(tree, kernel, "kernel");
        Path i = initrd.isPresent() ? resolve(tree, initrd.get(), "initrd") : null;
        return new ContainerLaunch.RootFs.Unikernel(tree, k, i, cmdline, protocol.orElse(null));
    }

    /**
     * {@code path} (absolute or relative, as the image names it) as a host path beneath {@code root}:
     * {@code ..} cannot climb out, and a symbolic link on the way may point only inside the root.
     *
     * @throws IllegalArgumentException when the file is missing, not a regular file, or outside the root
     */
    public static Path resolve(Path root, String path, String what) throws IOException {
        Path realRoot = root.toRealPath();
        Path inside = Path.of("/").resolve(path).normalize();
        Path candidate = realRoot.resolve(Path.of("/").relativize(inside).toString());
        if (!Files.exists(candidate)) {
            throw new IllegalArgumentException("the image has no " + what + " " + inside + " (" + candidate + ")");
        }
        Path real = candidate.toRealPath();
        if (!real.startsWith(realRoot)) {
            throw new IllegalArgumentException("the image's " + what + " " + inside + " leads outside the image's root");
        }
        if (!Files.isRegularFile(real)) {
            throw new IllegalArgumentException("the image's " + what + " " + inside + " is not a regular file");
        }
        return real;
    }

    /** urunc's encoding: base64 of the text, or, where that does not decode to UTF-8, the text as written. */
    static String urunc(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(value);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return value;
        }
    }
}
