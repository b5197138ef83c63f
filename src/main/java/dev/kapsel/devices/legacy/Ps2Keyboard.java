package dev.kapsel.devices.legacy;

/**
 * The command side of an MF2 PS/2 keyboard behind the {@link I8042}: answers the bytes the guest's
 * keyboard driver sends (reset, identify, LEDs, typematic rate, scan code set) so that atkbd's probe
 * finds a keyboard instead of timing out. It has no keys of its own; the controller injects scan
 * codes.
 */
final class Ps2Keyboard {
    static final int ACK = 0xfa;
    static final int RESEND = 0xfe;
    static final int SELF_TEST_PASSED = 0xaa;
    static final int ECHO = 0xee;
    /** Identity of an MF2 keyboard, as answered to "read ID". */
    static final int ID_MF2_FIRST = 0xab;
    static final int ID_MF2_SECOND = 0x83;
    static final int SCAN_CODE_SET = 2;

    static final int CMD_SET_LEDS = 0xed;
    static final int CMD_ECHO = 0xee;
    static final int CMD_SCAN_CODE_SET = 0xf0;
    static final int CMD_READ_ID = 0xf2;
    static final int CMD_TYPEMATIC = 0xf3;
    static final int CMD_RESET = 0xff;

    private static final byte[] NONE = {};

    /** Command waiting for its parameter byte, or 0. */
    private int awaitingParameter;

    /** Takes one byte from the host controller and returns the keyboard's answer. */
    byte[] receive(int b) {
        if (awaitingParameter != 0) {
            int command = awaitingParameter;
            awaitingParameter = 0;
            if (command == CMD_SCAN_CODE_SET && b == 0) {
                return bytes(ACK, SCAN_CODE_SET); // parameter 0 means "which set is in use?"
            }
            return bytes(ACK);
        }
        return switch (b) {
            case CMD_SET_LEDS, CMD_TYPEMATIC, CMD_SCAN_CODE_SET -> {
                awaitingParameter = b;
                yield bytes(ACK);
            }
            case CMD_ECHO -> bytes(ECHO);
            case CMD_READ_ID -> bytes(ACK, ID_MF2_FIRST, ID_MF2_SECOND);
            case CMD_RESET -> bytes(ACK, SELF_TEST_PASSED);
            // Enable, disable, set defaults, the set-3 key type commands and resend: acknowledged.
            case 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe -> bytes(ACK);
            default -> bytes(RESEND); // not a keyboard command
        };
    }

    /** The command waiting for its parameter byte, or 0 (a snapshot carries it). */
    int awaitingParameter() {
        return awaitingParameter;
    }

    void setAwaitingParameter(int command) {
        awaitingParameter = command;
    }

    private static byte[] bytes(int... values) {
        if (values.length == 0) {
            return NONE;
        }
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
