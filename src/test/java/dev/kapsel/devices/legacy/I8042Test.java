package dev.kapsel.devices.legacy;

import static dev.kapsel.devices.legacy.I8042.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.bus.Bus;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {
    private final RecordingInterruptLine irq1 = new RecordingInterruptLine();
    private final AtomicInteger resets = new AtomicInteger();
    private final I8042 i8042 = new I8042(irq1, resets::incrementAndGet);

    private int status() {
        byte[] data = new byte[1];
        i8042.read(COMMAND_OFFSET, data);
        return Byte.toUnsignedInt(data[0]);
    }

    private int readData() {
        byte[] data = new byte[1];
        i8042.read(DATA_OFFSET, data);
        return Byte.toUnsignedInt(data[0]);
    }

    private void command(int cmd) {
        i8042.write(COMMAND_OFFSET, new byte[] {(byte) cmd});
    }

    private void writeData(int value) {
        i8042.write(DATA_OFFSET, new byte[] {(byte) value});
    }

    /** Like Linux's i8042_command: write the command, then read one result byte once OBF is set. */
    private int commandWithResult(int cmd) {
        command(cmd);
        assertEquals(STR_OBF, status() & STR_OBF, () -> "no answer to command 0x" + Integer.toHexString(cmd));
        return readData();
    }

    /** Reads everything queued, as Linux's i8042_flush does. */
    private byte[] drain() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 32 && (status() & STR_OBF) != 0; i++) {
            out.write(readData());
        }
        return out.toByteArray();
    }

    @Test
    void startsEmptyWithKeyLockOpenAndFlushesToNothing() {
        int status = status();
        assertEquals(0, status & STR_OBF);
        assertEquals(STR_KEYLOCK, status & STR_KEYLOCK, "Linux warns about an active keylock otherwise");
        assertEquals(0, drain().length);
    }

    @Test
    void pulsingTheResetLineResetsTheCpu() {
        command(CMD_PULSE_RESET);
        assertEquals(1, resets.get());
        command(0xff); // pulses no line
        assertEquals(1, resets.get());
    }

    @Test
    void reachableOnTheLegacyPorts() {
        Bus pio = new Bus("pio");
        pio.insert(Layout.I8042_DATA_PORT, PORT_RANGE_LENGTH, i8042);
        pio.write(Layout.I8042_COMMAND_PORT, new byte[] {(byte) CMD_SELF_TEST});
        byte[] data = new byte[1];
        pio.read(Layout.I8042_COMMAND_PORT, data);
        assertEquals(STR_OBF, data[0] & STR_OBF);
        pio.read(Layout.I8042_DATA_PORT, data);
        assertEquals((byte) SELF_TEST_PASSED, data[0]);
        pio.write(Layout.I8042_COMMAND_PORT, new byte[] {(byte) CMD_PULSE_RESET});
        assertEquals(1, resets.get());
    }

    @Test
    void linuxProbeSequenceGetsItsAnswers() {
        assertEquals(SELF_TEST_PASSED, commandWithResult(CMD_SELF_TEST));
        int ctr = commandWithResult(CMD_READ_CTR);
        assertEquals(CTR_KBDINT | CTR_SYSFLAG, ctr);
        assertEquals(0, ctr & CTR_XLATE, "untranslated: Linux then uses scan code set 2 directly");
        // i8042_controller_init: disable keyboard and its interrupt, write back.
        command(CMD_WRITE_CTR);
        writeData((ctr | CTR_KBDDIS) & ~CTR_KBDINT);
        assertEquals(CTR_KBDDIS | CTR_SYSFLAG, commandWithResult(CMD_READ_CTR));
        assertEquals(INTERFACE_OK, commandWithResult(CMD_KBD_TEST));
        command(CMD_KBD_ENABLE);
        assertEquals(0, commandWithResult(CMD_READ_CTR) & CTR_KBDDIS);
        command(CMD_KBD_DISABLE);
        assertEquals(CTR_KBDDIS, commandWithResult(CMD_READ_CTR) & CTR_KBDDIS);
        assertEquals(0, status() & STR_OBF, "every answer was one byte");
    }

    @Test
    void auxEnableAndDisableShowInTheCommandByte() {
        command(CMD_AUX_DISABLE);
        assertEquals(CTR_AUXDIS, commandWithResult(CMD_READ_CTR) & CTR_AUXDIS);
        command(CMD_AUX_ENABLE);
        assertEquals(0, commandWithResult(CMD_READ_CTR) & CTR_AUXDIS);
        assertEquals(INTERFACE_CLOCK_HIGH, commandWithResult(CMD_AUX_TEST), "no mouse attached");
    }

    @Test
    void bytesForTheMissingAuxDeviceAreSwallowed() {
        command(CMD_WRITE_AUX);
        writeData(0xf4);
        command(CMD_WRITE_AUX_OUTPUT);
        writeData(0x5a);
        assertEquals(0, drain().length, "neither reached the keyboard nor came back");
    }

    @Test
    void statusTellsWhetherTheLastWriteWasACommand() {
        command(CMD_KBD_ENABLE);
        assertEquals(STR_CMDDAT, status() & STR_CMDDAT);
        writeData(Ps2Keyboard.CMD_ECHO);
        assertEquals(0, status() & STR_CMDDAT);
    }

    @Test
    void outputPortWritesWithResetLineLowResetTheCpu() {
        assertEquals(OUTPUT_PORT_RESET | OUTPUT_PORT_A20, commandWithResult(CMD_READ_OUTPUT_PORT));
        command(CMD_WRITE_OUTPUT_PORT);
        writeData(OUTPUT_PORT_RESET); // A20 off, CPU running
        assertEquals(0, resets.get());
        assertEquals(OUTPUT_PORT_RESET, commandWithResult(CMD_READ_OUTPUT_PORT));
        command(CMD_WRITE_OUTPUT_PORT);
        writeData(OUTPUT_PORT_A20);
        assertEquals(1, resets.get());
    }

    @Test
    void keyboardAnswersAtkbdProbeAndRaisesIrq1() {
        int before = irq1.edges();
        writeData(Ps2Keyboard.CMD_READ_ID);
        assertEquals(before + 1, irq1.edges());
        assertEquals(Ps2Keyboard.ACK, readData());
        assertEquals(before + 2, irq1.edges(), "each further byte is a new interrupt");
        assertEquals(Ps2Keyboard.ID_MF2_FIRST, readData());
        assertEquals(Ps2Keyboard.ID_MF2_SECOND, readData());
        assertEquals(before + 3, irq1.edges());
        writeData(Ps2Keyboard.CMD_RESET);
        assertArrayEquals(new byte[] {(byte) 0xfa, (byte) 0xaa}, drain());
        writeData(Ps2Keyboard.CMD_SET_LEDS);
        writeData(0x07);
        assertArrayEquals(new byte[] {(byte) 0xfa, (byte) 0xfa}, drain());
        writeData(Ps2Keyboard.CMD_SCAN_CODE_SET);
        writeData(0);
        assertArrayEquals(new byte[] {(byte) 0xfa, (byte) 0xfa, 2}, drain());
        writeData(0x42); // not a command
        assertArrayEquals(new byte[] {(byte) 0xfe}, drain());
    }

    @Test
    void writeKeyboardOutputComesBackAsData() {
        command(CMD_WRITE_KBD_OUTPUT);
        writeData(0x1c);
        assertArrayEquals(new byte[] {0x1c}, drain());
    }

    @Test
    void ctrlAltDelIsQueuedInSet2AndRaisesIrq1() {
        assertTrue(i8042.sendCtrlAltDel());
        assertEquals(1, irq1.edges());
        byte[] expected = {0x14, 0x11, (byte) 0xe0, 0x71, (byte) 0xe0, (byte) 0xf0, 0x71, (byte) 0xf0, 0x11,
            (byte) 0xf0, 0x14};
        assertArrayEquals(expected, drain());
        assertEquals(expected.length, irq1.edges(), "one interrupt per byte, as Linux reads one per IRQ");
    }

    @Test
    void ctrlAltDelIsTranslatedToSet1WhenTheGuestAsksForTranslation() {
        command(CMD_WRITE_CTR);
        writeData(CTR_KBDINT | CTR_SYSFLAG | CTR_XLATE);
        assertTrue(i8042.sendCtrlAltDel());
        assertArrayEquals(new byte[] {0x1d, 0x38, (byte) 0xe0, 0x53, (byte) 0xe0, (byte) 0xd3, (byte) 0xb8,
            (byte) 0x9d}, drain());
    }

    @Test
    void noInterruptWhileTheGuestHasKeyboardInterruptsOff() {
        command(CMD_WRITE_CTR);
        writeData(CTR_SYSFLAG);
        assertTrue(i8042.sendCtrlAltDel());
        assertEquals(0, irq1.edges());
        command(CMD_WRITE_CTR);
        writeData(CTR_SYSFLAG | CTR_KBDINT);
        assertEquals(1, irq1.edges(), "enabling the interrupt with data waiting raises it");
    }

    @Test
    void outputBufferIsBoundedAndCtrlAltDelIsAllOrNothing() {
        assertTrue(i8042.sendCtrlAltDel());
        assertFalse(i8042.sendCtrlAltDel(), "11 + 11 bytes do not fit");
        for (int i = 0; i < 10; i++) {
            writeData(Ps2Keyboard.CMD_ECHO);
        }
        byte[] all = drain();
        assertEquals(OUTPUT_BUFFER_SIZE, all.length, "overflowing answers are dropped");
        assertEquals((byte) 0x14, all[0]);
        assertTrue(i8042.sendCtrlAltDel());
    }

    @Test
    void otherPortsAndWideAccessesAreNotDecoded() {
        byte[] data = new byte[1];
        i8042.read(1, data);
        assertEquals((byte) 0xff, data[0]);
        byte[] wide = new byte[2];
        i8042.read(DATA_OFFSET, wide);
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff}, wide);
        i8042.write(COMMAND_OFFSET, new byte[] {(byte) CMD_PULSE_RESET, 0});
        assertEquals(0, resets.get());
    }

    @Test
    void aRestoredControllerHasTheConfigurationAndTheQueuedBytesOfTheSavedOne() {
        command(CMD_WRITE_CTR);
        writeData(CTR_KBDINT | CTR_SYSFLAG | CTR_XLATE);
        command(CMD_SELF_TEST); // 0x55 waits in the output buffer
        dev.kapsel.state.StateWriter saved = new dev.kapsel.state.StateWriter();
        i8042.saveState(saved);

        I8042 restored = new I8042(new RecordingInterruptLine(), () -> {});
        dev.kapsel.state.StateReader in = new dev.kapsel.state.StateReader(saved.toByteArray());
        restored.restoreState(in);
        in.end();
        byte[] b = new byte[1];
        restored.read(DATA_OFFSET, b);
        assertEquals(SELF_TEST_PASSED, Byte.toUnsignedInt(b[0]));
        restored.write(COMMAND_OFFSET, new byte[] {(byte) CMD_READ_CTR});
        restored.read(DATA_OFFSET, b);
        assertEquals(CTR_KBDINT | CTR_SYSFLAG | CTR_XLATE, Byte.toUnsignedInt(b[0]));
    }
}
