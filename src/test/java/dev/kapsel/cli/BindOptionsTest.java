package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.container.ContainerLaunch;
import dev.kapsel.vmm.SharedDirConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindOptionsTest {
    @TempDir
    Path dir;

    @Test
    void volumeAndMountSpellingsGiveTheSameRbind() {
        ContainerLaunch.Mount v = BindOptions.volume(dir + ":/data:ro");
        assertEquals(new ContainerLaunch.Mount("bind", dir.toString(), "/data", List.of("rbind", "ro")), v);
        assertEquals(v, BindOptions.mount("type=bind,source=" + dir + ",target=/data,readonly"));
        assertEquals(List.of("rbind", "rw"), BindOptions.volume(dir + ":/data").options());
        assertEquals(List.of("rbind", "rw"), BindOptions.mount("type=bind,src=" + dir + ",dst=/d,readonly=false").options());
    }

    @Test
    void aMissingHostDirectoryOrARelativeTargetIsAnErrorNamingTheFlag() {
        var missing = assertThrows(IllegalArgumentException.class, () -> BindOptions.volume(dir.resolve("nope") + ":/data"));
        assertTrue(missing.getMessage().startsWith("-v ") && missing.getMessage().contains("does not exist"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BindOptions.volume(dir + ":data"));
        assertThrows(IllegalArgumentException.class, () -> BindOptions.volume(dir + ":/data:rx"));
        assertThrows(IllegalArgumentException.class, () -> BindOptions.volume(dir.toString()));
        var type = assertThrows(IllegalArgumentException.class, () -> BindOptions.mount("type=volume,source=x,target=/y"));
        assertTrue(type.getMessage().startsWith("--mount "), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BindOptions.mount("type=bind,target=/y"));
    }

    @Test
    void vmFsOptionNeedsAnExistingDirectoryAndATag() throws Exception {
        SharedDirConfig s = VmDeviceOptions.share("data=" + dir + ",ro");
        assertEquals(new SharedDirConfig("data", dir, true), s);
        assertEquals(false, VmDeviceOptions.share("data=" + dir).readOnly());
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.share("=" + dir));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.share("t=" + Files.writeString(dir.resolve("f"), "")));
        assertThrows(IllegalArgumentException.class, () -> VmDeviceOptions.share("x".repeat(37) + "=" + dir));
    }
}
