package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BalloonConfigTest {
    @Test
    void theBalloonMustBeSmallerThanTheVm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VmConfig(Path.of("k"),
                Optional.empty(), "", 1, 128, List.of(), false, Optional.empty(), List.of(), Optional.of(new BalloonConfig(128, false))));
        assertTrue(e.getMessage().contains("balloon target 128 MiB must be less than memory 128 MiB"), e.getMessage());
    }

    @Test
    void aNegativeTargetNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BalloonConfig(-1, false));
        assertTrue(e.getMessage().startsWith("balloon targetMib"), e.getMessage());
    }
}
