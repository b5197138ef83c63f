package dev.kapsel.image.registry;

import dev.kapsel.image.Descriptor;
import dev.kapsel.image.Digest;
import dev.kapsel.image.Progress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-blob transfer progress folded into the one status line of {@link Progress}: each blob's short
 * digest and percentage, done blobs counted. Redrawn at most every {@link #INTERVAL_NANOS} (the
 * downloads call it for every buffer).
 */
final class PullProgress {
    private static final long INTERVAL_NANOS = 100_000_000L;
    private final Progress out;
    private final String title;
    private final Map<Digest, long[]> blobs = new LinkedHashMap<>();
    private long shownAt;

    PullProgress(Progress out, String title, Collection<Descriptor> wanted) {
        this.out = out;
        this.title = title;
        for (Descriptor d : wanted) {
            blobs.put(d.digest(), new long[] {0, d.size()});
        }
    }

    synchronized void update(Digest d, long bytes) {
        long[] b = blobs.get(d);
        if (b == null) {
            return;
        }
        b[0] = bytes;
        long now = System.nanoTime();
        if (out == Progress.QUIET || now - shownAt < INTERVAL_NANOS && bytes < b[1]) {
            return;
        }
        shownAt = now;
        out.update(line());
    }

    synchronized String line() {
        StringBuilder s = new StringBuilder(title);
        int done = 0;
        StringBuilder active = new StringBuilder();
        for (Map.Entry<Digest, long[]> e : blobs.entrySet()) {
            long[] b = e.getValue();
            if (b[0] >= b[1]) {
                done++;
            } else if (b[0] > 0) {
                active.append("  ").append(e.getKey().shortForm()).append(' ')
                        .append(String.format(Locale.ROOT, "%d%%", b[1] == 0 ? 100 : b[0] * 100 / b[1]));
            }
        }
        s.append(": ").append(done).append('/').append(blobs.size()).append(" blobs").append(active);
        return s.toString();
    }
}
