import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build step (pom.xml, package phase): rewrites the class files of a library jar that are older than
 * Java 6 (picocli 4.7 is compiled for Java 5, class file version 49) as version 52 with stack maps,
 * in place. The JDK's AOT cache (and CDS) leaves out every class that needs the old verifier, so
 * without this the command-line parser, which every kapsel command loads first, is read and verified
 * from the jar on each start. Only the version and the stack maps change; the code is the same.
 * Run with the JDK's source launcher: {@code java src/build/ClassFileUpgrade.java JAR...}.
 */
public final class ClassFileUpgrade {
    private static final int TARGET = ClassFile.JAVA_8_VERSION;

    public static void main(String[] args) throws IOException {
        for (String jar : args) {
            upgrade(Path.of(jar));
        }
    }

    static void upgrade(Path jar) throws IOException {
        Path tmp = jar.resolveSibling("." + jar.getFileName() + ".tmp");
        int upgraded = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             JarFile in = new JarFile(jar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
            // Stack maps name the common supertypes of merged values: the jar's own classes, then the JDK's.
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS, ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.ofResourceParsing(classes).orElse(ClassHierarchyResolver.defaultResolver())));
            for (JarEntry e : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                    ClassModel model = cf.parse(bytes);
                    if (model.majorVersion() < TARGET) {
                        bytes = cf.transformClass(model, ClassTransform.dropping(el -> el instanceof ClassFileVersion)
                                .andThen(ClassTransform.endHandler(b -> b.withVersion(TARGET, 0)))
                                .andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
                        upgraded++;
                    }
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (upgraded == 0) {
            Files.delete(tmp);
            return;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ClassFileUpgrade: " + jar.getFileName() + ": " + upgraded + " class files now version " + TARGET);
    }
}
