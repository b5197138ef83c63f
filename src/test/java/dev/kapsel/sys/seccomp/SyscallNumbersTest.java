package dev.kapsel.sys.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link SyscallNumbers} against the x86-64 header on this machine, entry by entry. */
class SyscallNumbersTest {
    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");

    @Test
    void everyNumberIsTheHeaders() throws Exception {
        Map<String, Integer> header = new TreeMap<>();
        Matcher m = Pattern.compile("#define __NR_(\\w+) (\\d+)").matcher(Files.readString(HEADER));
        while (m.find()) {
            header.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<String, Integer> table = new TreeMap<>(SyscallNumbers.NUMBERS);
        // a newer header may add calls; every one kapsel names must be there with the same number
        table.forEach((name, number) -> assertEquals(number, header.get(name), name));
        assertEquals("read", SyscallNumbers.name(0).orElseThrow());
        assertEquals(317, SyscallNumbers.number("seccomp"));
    }
}
