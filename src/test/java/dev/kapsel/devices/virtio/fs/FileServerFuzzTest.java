package dev.kapsel.devices.virtio.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The virtio-fs server against FUSE requests made of fuzzer bytes, after a proper INIT: opcodes the
 * server knows (and some it does not), node ids and file handles small or forged, argument blocks of
 * random bytes with names such as "..", "/" or a symlink out of the share. Nothing outside the share is
 * read or changed, a read-only share is never changed, the tables stay bounded, and every request is
 * answered without an exception.
 */
class FileServerFuzzTest {
    private static final int MAX_INODES = 16;
    private static final int MAX_OPEN = 8;
    private static final String[] NAMES = {"..", ".", "/", "up", "abs", "file", "sub", "swap", "../outside/secret", "new"};

    @FuzzTest(maxDuration = "30s")
    void hostileRequestsStayInsideTheShare(FuzzedDataProvider data) throws Exception {
        Path base = FileServerProperties.world();
        Path share = base.resolve("share");
        boolean readOnly = data.consumeBoolean();
        Map<String, String> outsideBefore = FileServerProperties.snapshot(base.resolve("outside"));
        Map<String, String> shareBefore = FileServerProperties.snapshot(share);
        try (FileServer server = FileServer.open(share.toString(), readOnly, MAX_INODES, MAX_OPEN)) {
            GuestFuse fuse = new GuestFuse(server);
            fuse.init();
            int requests = data.consumeInt(1, 12);
            for (int i = 0; i < requests && data.remainingBytes() > 0; i++) {
                int opcode = data.consumeBoolean() ? data.consumeInt(1, 52) : data.consumeInt();
                long node = data.consumeBoolean() ? data.consumeLong(0, 8) : data.consumeLong();
                byte[] args = data.consumeBoolean()
                        ? concat(data.consumeBytes(data.consumeInt(0, 64)), name(data))
                        : data.consumeBytes(data.consumeInt(0, 300));
                byte[] payload = opcode == FuseAbi.FUSE_WRITE ? data.consumeBytes(data.consumeInt(0, 512)) : null;
                GuestFuse.Reply r = fuse.call(opcode, node, data.consumeInt(), data.consumeInt(), args, payload);
                if (r != null && r.error() == 0) {
                    assertFalse(new String(r.body(), StandardCharsets.ISO_8859_1).contains(FileServerProperties.SECRET),
                            "a reply carried the secret");
                }
                assertTrue(server.inodeCount() <= MAX_INODES, "inodes " + server.inodeCount());
                assertTrue(server.openCount() <= MAX_OPEN, "open files " + server.openCount());
            }
            assertEquals(java.util.List.of(), fuse.warnings, "no request stopped the device");
        } finally {
            assertEquals(outsideBefore, FileServerProperties.snapshot(base.resolve("outside")), "outside the share");
            if (readOnly) {
                assertEquals(shareBefore, FileServerProperties.snapshot(share), "a read-only share");
            }
            FileServerProperties.delete(base);
        }
    }

    private static byte[] name(FuzzedDataProvider data) {
        String n = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(40);
        return (n + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
