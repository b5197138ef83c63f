package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.container.ProcessSpecResolver.ImageDefaults;
import dev.kapsel.container.ProcessSpecResolver.Overrides;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker's rules for Entrypoint, Cmd, Env, WorkingDir and User. */
class ProcessSpecResolverTest {
    private static final ImageDefaults IMAGE = new ImageDefaults(List.of("/entry", "--flag"), List.of("default-cmd"),
            List.of("A=image", "B=image"), "/app", "daemon");

    private static Overrides flags(List<String> entrypoint, List<String> args) {
        return new Overrides(entrypoint, args, List.of(), List.of(), null, null);
    }

    private static ContainerProcess resolve(ImageDefaults image, Overrides flags) {
        return ProcessSpecResolver.resolve(image, flags, Map.of("HOSTVAR", "from-host")::get);
    }

    @Test
    void argumentsReplaceCmdButKeepTheEntrypoint() {
        assertEquals(List.of("/entry", "--flag", "default-cmd"), resolve(IMAGE, flags(null, List.of())).argv());
        assertEquals(List.of("/entry", "--flag", "x", "y"), resolve(IMAGE, flags(null, List.of("x", "y"))).argv());
    }

    @Test
    void anEntrypointFlagDropsTheImageCmd() {
        assertEquals(List.of("/bin/sh"), resolve(IMAGE, flags(List.of("/bin/sh"), List.of())).argv());
        assertEquals(List.of("/bin/sh", "-c", "id"), resolve(IMAGE, flags(List.of("/bin/sh"), List.of("-c", "id"))).argv());
    }

    @Test
    void noCommandAtAllIsAnError() {
        ImageDefaults empty = new ImageDefaults(List.of(), List.of(), List.of(), "", "");
        assertThrows(IllegalArgumentException.class, () -> resolve(empty, flags(null, List.of())));
    }

    @Test
    void environmentLayersImageThenFilesThenFlags() {
        Overrides o = new Overrides(null, List.of(), List.of("B=file", "C=file"), List.of("C=flag", "HOSTVAR", "UNSET"), null, null);
        List<String> env = resolve(IMAGE, o).env();
        assertTrue(env.contains("A=image"), env.toString());
        assertTrue(env.contains("B=file"), env.toString());
        assertTrue(env.contains("C=flag"), env.toString());
        assertTrue(env.contains("HOSTVAR=from-host"), env.toString());
        assertTrue(env.stream().noneMatch(e -> e.startsWith("UNSET")), env.toString());
        assertTrue(env.contains(ProcessSpecResolver.DEFAULT_PATH), env.toString());
    }

    @Test
    void imagePathWinsOverTheDefault() {
        ImageDefaults withPath = new ImageDefaults(List.of(), List.of("sh"), List.of("PATH=/opt/bin"), "", "");
        List<String> env = resolve(withPath, flags(null, List.of())).env();
        assertEquals(List.of("PATH=/opt/bin"), env);
    }

    @Test
    void workdirAndUserFlagsWin() {
        assertEquals("/app", resolve(IMAGE, flags(null, List.of())).workingDir());
        assertEquals("daemon", resolve(IMAGE, flags(null, List.of())).user());
        ContainerProcess s = resolve(IMAGE, new Overrides(null, List.of(), List.of(), List.of(), "/tmp", "1000:1000"));
        assertEquals("/tmp", s.workingDir());
        assertEquals("1000:1000", s.user());
        assertThrows(IllegalArgumentException.class,
                () -> resolve(IMAGE, new Overrides(null, List.of(), List.of(), List.of(), "relative", null)));
    }

    @Test
    void envFilesSkipCommentsAndBlankLines() {
        assertEquals(List.of("A=1", "B"), ProcessSpecResolver.parseEnvFile(List.of("# comment", "", "A=1", "  B")));
    }
}
