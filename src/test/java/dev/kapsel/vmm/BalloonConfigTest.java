package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BalloonConfigTest {
    @Test
    void parsesSizeAndDeflateOnOom() {
        assertEquals(new BalloonConfig(64, false), BalloonConfig.parse("64"));
        assertTrue(BalloonConfig.parse("0,deflate-on-oom").deflateOnOom());
        assertFalse(BalloonConfig.parse("0").deflateOnOom());
    }

    @Test
    void badSpecsNameTheSyntax() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BalloonConfig.parse("lots"));
        assertTrue(e.getMessage().contains("MIB[,deflate-on-oom]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BalloonConfig.parse("64,stats"));
        assertTrue(e.getMessage().contains("unknown option 'stats'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BalloonConfig.parse("-1"));
    }

    @Test
    void theBalloonMustBeSmallerThanTheVm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VmConfig(Path.of("k"),
                Optional.empty(), "", 1, 128, List.of(), false, Optional.empty(), List.of(), Optional.of(new BalloonConfig(128, false))));
        assertTrue(e.getMessage().contains("less than the VM's 128 MiB"), e.getMessage());
    }
}
