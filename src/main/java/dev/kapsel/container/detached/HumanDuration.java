package dev.kapsel.container.detached;

import java.time.Duration;
import java.time.Instant;

/**
 * Durations in the words {@code docker ps} uses: "Less than a second", "5 seconds", "About a minute",
 * "3 hours", "2 days", "3 weeks", "4 months", "2 years" (each unit until twice the next one, as Docker does).
 */
public final class HumanDuration {
    private HumanDuration() {}

    public static String of(Instant from, Instant to) {
        return of(Duration.between(from, to));
    }

    public static String of(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        long minutes = seconds / 60;
        long hours = minutes / 60;
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        } else if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        } else if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }
}
