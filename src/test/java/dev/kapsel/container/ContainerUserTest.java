package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerUserTest {
    private static Path image(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\napp:x:1001:\nwheel:x:10:app\naudio:x:29:other,app\n");
        return dir;
    }

    @Test
    void namesResolveInTheImagesFiles(@TempDir Path dir) throws Exception {
        Path root = image(dir);
        assertEquals(new ContainerUser(1000, 1001, List.of(10, 29)), ContainerUser.resolve("app", root));
        assertEquals(new ContainerUser(1000, 10, List.of(29)), ContainerUser.resolve("app:wheel", root));
        assertEquals(ContainerUser.ROOT, ContainerUser.resolve("", root));
    }

    @Test
    void numbersNeedNoEntry(@TempDir Path dir) throws Exception {
        Path root = image(dir);
        assertEquals(new ContainerUser(4242, 4242, List.of()), ContainerUser.resolve("4242", root));
        assertEquals(new ContainerUser(4242, 7, List.of()), ContainerUser.resolve("4242:7", root));
        assertEquals(new ContainerUser(1000, 1001, List.of(10, 29)), ContainerUser.resolve("1000", root));
    }

    @Test
    void unknownNamesAreErrors(@TempDir Path dir) throws Exception {
        Path root = image(dir);
        assertThrows(IllegalArgumentException.class, () -> ContainerUser.resolve("nobody", root));
        assertThrows(IllegalArgumentException.class, () -> ContainerUser.resolve("app:nogroup", root));
    }
}
