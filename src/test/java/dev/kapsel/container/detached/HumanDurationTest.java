package dev.kapsel.container.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HumanDurationTest {
    @Test
    void usesDockersWords() {
        assertEquals("Less than a second", HumanDuration.of(Duration.ofMillis(999)));
        assertEquals("Less than a second", HumanDuration.of(Duration.ofSeconds(-3)));
        assertEquals("1 second", HumanDuration.of(Duration.ofSeconds(1)));
        assertEquals("59 seconds", HumanDuration.of(Duration.ofSeconds(59)));
        assertEquals("About a minute", HumanDuration.of(Duration.ofSeconds(119)));
        assertEquals("2 minutes", HumanDuration.of(Duration.ofSeconds(120)));
        assertEquals("59 minutes", HumanDuration.of(Duration.ofMinutes(59)));
        assertEquals("About an hour", HumanDuration.of(Duration.ofMinutes(119)));
        assertEquals("47 hours", HumanDuration.of(Duration.ofHours(47)));
        assertEquals("2 days", HumanDuration.of(Duration.ofHours(48)));
        assertEquals("13 days", HumanDuration.of(Duration.ofDays(13)));
        assertEquals("2 weeks", HumanDuration.of(Duration.ofDays(14)));
        assertEquals("8 weeks", HumanDuration.of(Duration.ofDays(59)));
        assertEquals("2 months", HumanDuration.of(Duration.ofDays(60)));
        assertEquals("24 months", HumanDuration.of(Duration.ofDays(729)));
        assertEquals("2 years", HumanDuration.of(Duration.ofDays(730)));
    }

    @Test
    void statusTextsReadLikeDockerPs() {
        Instant now = Instant.parse("2026-11-27T08:10:00Z");
        assertEquals("Up 5 seconds", new ContainerState.Up(now.minusSeconds(5)).describe(now));
        assertEquals("Exited (3) 2 minutes ago", new ContainerState.Exited(3, now.minusSeconds(150)).describe(now));
        assertEquals("Exited (143) Less than a second ago", new ContainerState.Exited(143, now).describe(now));
        assertEquals("Exited (unknown)", new ContainerState.Exited(null, null).describe(now));
        assertEquals("Created", new ContainerState.Created().describe(now));
    }
}
