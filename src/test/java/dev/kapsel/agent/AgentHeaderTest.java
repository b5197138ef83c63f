package dev.kapsel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol constants exist twice, in the agent's C header and in {@link FrameType}/{@link ErrorCode}:
 * every enumerator agent.h declares (names read from the header, values from gcc) must be a Java
 * constant with the same code, and every Java constant must be in the header.
 */
class AgentHeaderTest {
    private static final Path HEADER = Path.of("src/main/c/agent/agent.h");
    /** The one Java name that is spelled out where C abbreviates. */
    private static final Map<String, String> JAVA_NAMES = Map.of("E_TOO_MANY", "TOO_MANY_PROCESSES");

    private static Map<String, Long> frameTypes;
    private static Map<String, Long> errorCodes;
    private static long firstRequestError;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        String header = Files.readString(HEADER);
        Map<String, String> enumerators = new LinkedHashMap<>();
        for (String prefix : new String[] {"T_", "E_"}) {
            Matcher m = Pattern.compile("^\\s+(" + prefix + "[A-Z0-9_]+)\\s*=", Pattern.MULTILINE).matcher(header);
            while (m.find()) {
                enumerators.put(m.group(1), prefix);
            }
        }
        StringBuilder c = new StringBuilder("""
                #include <stdint.h>
                #include <stddef.h>
                #include <stdio.h>
                #include "agent.h"
                int main(void) {
                """);
        for (String name : enumerators.keySet()) {
            c.append("  printf(\"%s=%lu\\n\", \"").append(name).append("\", (unsigned long)").append(name).append(");\n");
        }
        c.append("  printf(\"E_FIRST_REQUEST_ERROR=%lu\\n\", (unsigned long)E_FIRST_REQUEST_ERROR);\n  return 0;\n}\n");
        Path exe = CProgram.compile(c.toString(), dir, "-I", HEADER.getParent().toAbsolutePath().toString());
        Map<String, Long> values = new TreeMap<>();
        for (String line : CProgram.run(exe).split("\n")) {
            String[] kv = line.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        firstRequestError = values.remove("E_FIRST_REQUEST_ERROR");
        frameTypes = javaNamed(values, "T_");
        errorCodes = javaNamed(values, "E_");
    }

    private static Map<String, Long> javaNamed(Map<String, Long> values, String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(e -> JAVA_NAMES.getOrDefault(e.getKey(), e.getKey().substring(prefix.length())),
                        Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    @Test
    void frameTypesMatchTheHeader() {
        Map<String, Long> java = Arrays.stream(FrameType.values())
                .collect(Collectors.toMap(Enum::name, t -> (long) t.code(), (a, b) -> a, TreeMap::new));
        assertTrue(frameTypes.size() >= 12, "read " + frameTypes);
        assertEquals(frameTypes, java);
    }

    @Test
    void errorCodesMatchTheHeader() {
        Map<String, Long> java = Arrays.stream(ErrorCode.values()).filter(e -> e != ErrorCode.UNKNOWN)
                .collect(Collectors.toMap(Enum::name, e -> (long) e.code(), (a, b) -> a, TreeMap::new));
        assertTrue(errorCodes.size() >= 15, "read " + errorCodes);
        assertEquals(errorCodes, java);
    }

    @Test
    void theProtocolErrorBoundaryMatchesTheHeader() {
        assertTrue(ErrorCode.closesConnection((int) firstRequestError - 1));
        assertEquals(false, ErrorCode.closesConnection((int) firstRequestError));
    }
}
