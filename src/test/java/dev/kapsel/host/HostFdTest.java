package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.sys.Libc;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFdTest {
    @TempDir
    Path dir;

    @Test
    void bytesGoThroughTheDescriptorUnchangedAndEndOfFileIsMinusOne() throws Exception {
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        Path f = dir.resolve("f");
        int w = Libc.open(f.toString(), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        try {
            OutputStream out = HostFd.output(w);
            out.write(data, 10, data.length - 10);
            out.write(data[0]);
        } finally {
            Libc.close(w);
        }
        byte[] expected = new byte[data.length - 9];
        System.arraycopy(data, 10, expected, 0, data.length - 10);
        expected[expected.length - 1] = data[0];
        assertArrayEquals(expected, Files.readAllBytes(f));
        int r = Libc.open(f.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            InputStream in = HostFd.input(r);
            assertArrayEquals(expected, in.readAllBytes());
            assertEquals(-1, in.read());
        } finally {
            Libc.close(r);
        }
    }
}
