package dev.kapsel.sandbox.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import org.junit.jupiter.api.Test;

/** {@link ShmemFile}: sparse pages charged to the quota, seals as fcntl(2) describes them, bytes kept while held. */
class ShmemFileTest {
    private final UpperQuota quota = new UpperQuota(1L << 20);

    @Test
    void onlyWrittenPagesAreHeldAndChargedAndTheyGoWithTheLastHolder() {
        ShmemFile f = new ShmemFile(quota, true);
        OpenFile open = f.open(2);
        f.truncate(1L << 30);
        assertEquals(0, quota.used(), "a large sparse file costs nothing");
        open.pwrite(new byte[] {1, 2, 3}, 3, 5 * 4096 + 4094);
        assertEquals(2 * 4096, quota.used(), "a write across a page boundary holds two pages");
        byte[] back = new byte[5];
        assertEquals(5, open.pread(back, 5, 5 * 4096 + 4093));
        assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, back);
        f.truncate(5 * 4096 + 4095);
        assertEquals(4096, quota.used(), "pages wholly past the new end go");
        assertEquals(0, open.pread(back, 1, 5 * 4096 + 4095), "nothing to read at the end");
        f.truncate(6 * 4096);
        open.pread(back, 1, 6 * 4096 - 1);
        assertEquals(0, back[0], "bytes cut off by a shrink read as zeros after a grow");
        f.hold();
        open.close();
        assertEquals(4096, quota.used(), "a holder besides the descriptor keeps the bytes");
        f.drop();
        assertEquals(0, quota.used(), "the last holder gives them back");
    }

    @Test
    void sealsForbidWhatTheyName() {
        ShmemFile f = new ShmemFile(quota, true);
        OpenFile open = f.open(2);
        f.truncate(4096);
        f.addSeals(ShmemFile.F_SEAL_SHRINK | ShmemFile.F_SEAL_GROW);
        assertEquals(Errno.EPERM, assertThrows(ErrnoException.class, () -> f.truncate(100)).errno());
        assertEquals(Errno.EPERM, assertThrows(ErrnoException.class, () -> f.truncate(8192)).errno());
        assertEquals(Errno.EPERM, assertThrows(ErrnoException.class, () -> open.pwrite(new byte[2], 2, 4095)).errno());
        assertEquals(1, open.pwrite(new byte[1], 1, 4095), "a write inside the file is no growth");
        f.addSeals(ShmemFile.F_SEAL_WRITE);
        assertEquals(Errno.EPERM, assertThrows(ErrnoException.class, () -> open.pwrite(new byte[1], 1, 0)).errno());
        f.addSeals(ShmemFile.F_SEAL_SEAL);
        assertEquals(Errno.EPERM, assertThrows(ErrnoException.class, () -> f.addSeals(ShmemFile.F_SEAL_FUTURE_WRITE)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> new ShmemFile(quota, true).addSeals(0x40)).errno());
        assertEquals(ShmemFile.F_SEAL_SEAL, new ShmemFile(quota, false).seals(), "an unsealable file starts sealed");
    }
}
