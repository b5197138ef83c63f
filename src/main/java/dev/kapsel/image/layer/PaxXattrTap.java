package dev.kapsel.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches a tar stream on its way to commons-compress and keeps the raw bytes of each entry's
 * {@code SCHILY.xattr.*} PAX records. commons-compress decodes PAX values as UTF-8, which ruins
 * binary values such as {@code security.capability}; GNU tar and Go's archive/tar (Docker,
 * containerd, umoci) write them raw. The tap follows the tar block structure (headers, PAX and
 * GNU long-name data, entry data and padding) and queues, per entry, its name and raw xattrs;
 * {@link #xattrsFor} hands them out in order and checks the name, so a stream the tap cannot follow
 * (it then stops) only loses this refinement, never attributes xattrs to the wrong file.
 */
final class PaxXattrTap extends FilterInputStream {
    private static final int BLOCK = 512;
    private static final int MAX_CAPTURE = 1 << 20;
    private static final String XATTR = "SCHILY.xattr.";

    /** What the tap learned about one entry. */
    record Seen(String name, Map<String, byte[]> xattrs) {}

    private final ArrayDeque<Seen> queue = new ArrayDeque<>();
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    private long dataLeft;
    private long padLeft;
    private ByteArrayOutputStream capture;
    private char captureType;
    private Map<String, byte[]> pendingXattrs = new HashMap<>();
    private String pendingPath;
    private long pendingSize = -1;
    private boolean lost;
    private boolean ended;

    PaxXattrTap(InputStream in) {
        super(in);
    }

    /** The raw xattrs of the next entry, when the tap followed the stream and saw an entry of that name; else null. */
    Map<String, byte[]> xattrsFor(String name) {
        Seen seen = queue.pollFirst();
        if (lost && seen == null || seen == null || !seen.name().equals(name)) {
            lost = true;
            queue.clear();
            return null;
        }
        return seen.xattrs();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            observe(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            observe(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        long done = 0;
        while (done < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void observe(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && !lost && !ended) {
            if (dataLeft > 0) {
                int take = (int) Math.min(dataLeft, end - i);
                if (capture != null && capture.size() + take <= MAX_CAPTURE) {
                    capture.write(b, i, take);
                }
                dataLeft -= take;
                i += take;
                if (dataLeft == 0) {
                    finishData();
                }
            } else if (padLeft > 0) {
                int take = (int) Math.min(padLeft, end - i);
                padLeft -= take;
                i += take;
            } else {
                int take = Math.min(BLOCK - headerFill, end - i);
                System.arraycopy(b, i, header, headerFill, take);
                headerFill += take;
                i += take;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    onHeader();
                }
            }
        }
    }

    private void onHeader() {
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            ended = true;
            return;
        }
        long size = size();
        if (size < 0) {
            lost = true;
            return;
        }
        char type = (char) header[156];
        capture = null;
        switch (type) {
            case 'x', 'L' -> {
                capture = new ByteArrayOutputStream();
                captureType = type;
            }
            case 'g', 'K' -> { }
            case 'S', 'M', 'V', 'D', 'N', 'A', 'E', 'I', 'X' -> {
                // GNU sparse and multi-volume extensions: beyond what the tap follows.
                lost = true;
                return;
            }
            default -> {
                String name = pendingPath != null ? pendingPath : ustarName();
                queue.addLast(new Seen(name, pendingXattrs));
                if (pendingSize >= 0) {
                    size = pendingSize;
                }
                pendingXattrs = new HashMap<>();
                pendingPath = null;
                pendingSize = -1;
                if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6') {
                    size = 0;
                }
            }
        }
        dataLeft = size;
        padLeft = (BLOCK - size % BLOCK) % BLOCK;
        if (size == 0 && capture != null) {
            finishData();
        }
    }

    private void finishData() {
        if (capture == null) {
            return;
        }
        byte[] data = capture.toByteArray();
        capture = null;
        if (captureType == 'L') {
            int len = data.length;
            while (len > 0 && data[len - 1] == 0) {
                len--;
            }
            pendingPath = new String(data, 0, len, StandardCharsets.UTF_8);
            return;
        }
        int p = 0;
        while (p < data.length) {
            int space = indexOf(data, (byte) ' ', p);
            if (space < 0) {
                return;
            }
            int recordLength;
            try {
                recordLength = Integer.parseInt(new String(data, p, space - p, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return;
            }
            if (recordLength <= space - p || p + recordLength > data.length) {
                return;
            }
            int recordEnd = p + recordLength - 1; // the trailing newline
            int eq = indexOf(data, (byte) '=', space + 1);
            if (eq < 0 || eq > recordEnd) {
                return;
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = Arrays.copyOfRange(data, eq + 1, recordEnd);
            if (key.startsWith(XATTR)) {
                pendingXattrs.put(key.substring(XATTR.length()), value);
            } else if (key.equals("path")) {
                pendingPath = new String(value, StandardCharsets.UTF_8);
            } else if (key.equals("size")) {
                try {
                    pendingSize = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    lost = true;
                }
            }
            p += recordLength;
        }
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The size field: octal, or GNU base-256 when the top bit is set; -1 when unreadable. */
    private long size() {
        if ((header[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = v << 8 | (header[i] & 0xff);
            }
            return v;
        }
        String text = new String(header, 124, 12, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String ustarName() {
        String name = field(0, 100);
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar && header[262] == 0 ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
