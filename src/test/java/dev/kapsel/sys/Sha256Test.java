package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libcrypto's SHA-256 through FFM: the context size against {@code <openssl/sha.h>}, the hashes against the JDK's. */
class Sha256Test {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <openssl/sha.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              V("SHA256_CTX_SIZE", sizeof(SHA256_CTX));
              V("SHA256_DIGEST_LENGTH", SHA256_DIGEST_LENGTH);
              return 0;
            }
            """;

    @Test
    void contextSizeMatchesShaH(@TempDir Path dir) throws Exception {
        assertEquals(2, CProgram.assertConstantsMatch(CProgram.printedValues(SOURCE, dir), Sha256.class));
    }

    @Test
    void hashesAsTheJdkDoesForAnySplitOfTheInput() throws Exception {
        assertTrue(Sha256.available(), "libcrypto.so.3 (Debian's libssl3) is on every kapsel host");
        Sha256 ours = new Sha256();
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HexFormat.of().formatHex(ours.digest()));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", HexFormat.of().formatHex(ours.digest("abc".getBytes())));
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            byte[] data = new byte[random.nextInt(1 << 18)];
            random.nextBytes(data);
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, random.nextInt(70_000));
                if (n == 1 || random.nextInt(20) == 0) {
                    ours.update(data[at]);
                    jdk.update(data[at]);
                    at++;
                    continue;
                }
                ours.update(data, at, n);
                jdk.update(data, at, n);
                at += n;
            }
            assertArrayEquals(jdk.digest(), ours.digest(), "round " + round + ", " + data.length + " bytes");
        }
    }
}
