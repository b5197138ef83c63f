package dev.kapsel.devices.legacy;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.bus.InterruptLine;
import dev.kapsel.bus.Bus;
import dev.kapsel.bus.BusDevice;
import dev.kapsel.state.Persistent;
import dev.kapsel.state.StateReader;
import dev.kapsel.state.StateWriter;
import java.util.Objects;

/**
 * A minimal i8042 PS/2 keyboard controller, as Firecracker has one: enough for Linux's i8042 and
 * atkbd drivers to find a controller with a keyboard, for the guest to reboot through it (command
 * 0xFE pulses the CPU reset line, which calls {@code onReset}), and for the host to ask the guest to
 * reboot by pressing Ctrl-Alt-Del ({@link #sendCtrlAltDel()}).
 *
 * <p>Registered on the port bus at {@link Layout#I8042_DATA_PORT} for {@link #PORT_RANGE_LENGTH}
 * ports, so offset 0 is the data port (0x60) and offset 4 the status/command port (0x64); the ports
 * between read all ones. Only byte accesses are decoded.
 *
 * <p>Controller commands answered: read/write the command byte (0x20/0x60), self-test (0xAA, answers
 * 0x55), keyboard interface test (0xAB, answers 0x00), keyboard disable/enable (0xAD/0xAE), aux
 * disable/enable (0xA7/0xA8, reflected in the command byte), aux interface test (0xA9, answers 0x02:
 * nothing attached), read/write output port (0xD0/0xD1, a cleared bit 0 resets), write keyboard
 * output (0xD2), and pulse output lines (0xF0-0xFF, reset when bit 0 is pulsed). There is no aux
 * (mouse) device: bytes for it (0xD3, 0xD4) are swallowed unanswered. Boot Linux with
 * {@code i8042.noaux i8042.nomux}, as Firecracker does, or its aux probe waits out its timeouts.
 *
 * <p>Bytes for the guest wait in an output buffer of {@value #OUTPUT_BUFFER_SIZE} bytes; what does
 * not fit is dropped (a guest that never reads cannot grow it). IRQ 1 rises, through the injected
 * {@link InterruptLine}, each time a byte becomes readable while the command byte enables keyboard
 * interrupts. State is guarded by this object's monitor; callbacks run outside it.
 */
public final class I8042 implements BusDevice, Persistent {
    /** Ports 0x60 to 0x64. */
    public static final int PORT_RANGE_LENGTH = Layout.I8042_COMMAND_PORT - Layout.I8042_DATA_PORT + 1;
    /**
     * Capacity of the output buffer: one less than the 16 bytes Linux's i8042_flush reads before it
     * concludes that no controller is there.
     */
    public static final int OUTPUT_BUFFER_SIZE = 15;

    static final int DATA_OFFSET = 0;
    static final int COMMAND_OFFSET = Layout.I8042_COMMAND_PORT - Layout.I8042_DATA_PORT;

    // Status register.
    static final int STR_OBF = 0x01;
    static final int STR_SYSFLAG = 0x04;
    static final int STR_CMDDAT = 0x08;
    static final int STR_KEYLOCK = 0x10; // set: keyboard not inhibited by the key lock

    // Command byte (CTR).
    static final int CTR_KBDINT = 0x01;
    static final int CTR_AUXINT = 0x02;
    static final int CTR_SYSFLAG = 0x04;
    static final int CTR_KBDDIS = 0x10;
    static final int CTR_AUXDIS = 0x20;
    static final int CTR_XLATE = 0x40;

    // Controller commands.
    static final int CMD_READ_CTR = 0x20;
    static final int CMD_WRITE_CTR = 0x60;
    static final int CMD_AUX_DISABLE = 0xa7;
    static final int CMD_AUX_ENABLE = 0xa8;
    static final int CMD_AUX_TEST = 0xa9;
    static final int CMD_SELF_TEST = 0xaa;
    static final int CMD_KBD_TEST = 0xab;
    static final int CMD_KBD_DISABLE = 0xad;
    static final int CMD_KBD_ENABLE = 0xae;
    static final int CMD_READ_OUTPUT_PORT = 0xd0;
    static final int CMD_WRITE_OUTPUT_PORT = 0xd1;
    static final int CMD_WRITE_KBD_OUTPUT = 0xd2;
    static final int CMD_WRITE_AUX_OUTPUT = 0xd3;
    static final int CMD_WRITE_AUX = 0xd4;
    static final int CMD_PULSE_RESET = 0xfe;

    static final int SELF_TEST_PASSED = 0x55;
    static final int INTERFACE_OK = 0x00;
    static final int INTERFACE_CLOCK_HIGH = 0x02;
    /** Output port bit 0: the CPU reset line, active low. */
    static final int OUTPUT_PORT_RESET = 0x01;
    /** Output port bit 1: gate A20. */
    static final int OUTPUT_PORT_A20 = 0x02;

    /** Ctrl, Alt, Del pressed then released, scan code set 2 (what the keyboard sends). */
    private static final byte[] CTRL_ALT_DEL_SET2 = {
        0x14, 0x11, (byte) 0xe0, 0x71, (byte) 0xe0, (byte) 0xf0, 0x71, (byte) 0xf0, 0x11, (byte) 0xf0, 0x14
    };
    /** The same in scan code set 1 (what the controller delivers when it translates). */
    private static final byte[] CTRL_ALT_DEL_SET1 = {
        0x1d, 0x38, (byte) 0xe0, 0x53, (byte) 0xe0, (byte) 0xd3, (byte) 0xb8, (byte) 0x9d
    };

    private final InterruptLine keyboardInterrupt;
    private final Runnable onReset;

    // Guarded by this.
    private final Ps2Keyboard keyboard = new Ps2Keyboard();
    private final byte[] buffer = new byte[OUTPUT_BUFFER_SIZE];
    private int head;
    private int count;
    private int ctr = CTR_KBDINT | CTR_SYSFLAG;
    private int outputPort = OUTPUT_PORT_RESET | OUTPUT_PORT_A20;
    private boolean lastWriteWasCommand;
    private int awaitingData; // controller command whose data byte comes next, or 0
    private boolean irqRaised;

    public I8042(InterruptLine keyboardInterrupt, Runnable onReset) {
        this.keyboardInterrupt = Objects.requireNonNull(keyboardInterrupt, "keyboardInterrupt");
        this.onReset = Objects.requireNonNull(onReset, "onReset");
    }

    @Override
    public void read(long offset, byte[] data) {
        if (data.length != 1 || (offset != DATA_OFFSET && offset != COMMAND_OFFSET)) {
            Bus.fillUnmapped(data);
            return;
        }
        boolean edge;
        synchronized (this) {
            if (offset == COMMAND_OFFSET) {
                data[0] = (byte) status();
                return;
            }
            data[0] = (byte) pop();
            // The next byte, if any, moves into the output register: a new edge for it.
            irqRaised = false;
            edge = updateIrq();
        }
        if (edge) {
            keyboardInterrupt.trigger();
        }
    }

    @Override
    public void write(long offset, byte[] data) {
        if (data.length != 1 || (offset != DATA_OFFSET && offset != COMMAND_OFFSET)) {
            return;
        }
        int value = Byte.toUnsignedInt(data[0]);
        boolean reset;
        boolean edge;
        synchronized (this) {
            reset = offset == COMMAND_OFFSET ? command(value) : data(value);
            edge = updateIrq();
        }
        if (edge) {
            keyboardInterrupt.trigger();
        }
        if (reset) {
            onReset.run();
        }
    }

    /**
     * Presses and releases Ctrl-Alt-Del on the keyboard, in the scan code set the guest reads
     * (set 1 if the command byte asks the controller to translate, else set 2), and raises IRQ 1 if
     * the guest enabled keyboard interrupts. Linux answers with an orderly reboot (or what init is
     * configured to do).
     *
     * @return {@code false}, queueing nothing, if the output buffer lacks room for the whole
     *     sequence because the guest has not read earlier bytes
     */
    public boolean sendCtrlAltDel() {
        boolean edge;
        synchronized (this) {
            byte[] codes = (ctr & CTR_XLATE) != 0 ? CTRL_ALT_DEL_SET1 : CTRL_ALT_DEL_SET2;
            if (OUTPUT_BUFFER_SIZE - count < codes.length) {
                return false;
            }
            for (byte b : codes) {
                push(b);
            }
            edge = updateIrq();
        }
        if (edge) {
            keyboardInterrupt.trigger();
        }
        return true;
    }

    private int status() {
        return (count > 0 ? STR_OBF : 0)
                | ((ctr & CTR_SYSFLAG) != 0 ? STR_SYSFLAG : 0)
                | (lastWriteWasCommand ? STR_CMDDAT : 0)
                | STR_KEYLOCK;
    }

    /** Handles a controller command; returns whether it resets the CPU. */
    private boolean command(int cmd) {
        lastWriteWasCommand = true;
        awaitingData = 0;
        switch (cmd) {
            case CMD_READ_CTR -> push(ctr);
            case CMD_WRITE_CTR, CMD_WRITE_OUTPUT_PORT, CMD_WRITE_KBD_OUTPUT, CMD_WRITE_AUX_OUTPUT, CMD_WRITE_AUX ->
                    awaitingData = cmd;
            case CMD_AUX_DISABLE -> ctr |= CTR_AUXDIS;
            case CMD_AUX_ENABLE -> ctr &= ~CTR_AUXDIS;
            case CMD_AUX_TEST -> push(INTERFACE_CLOCK_HIGH);
            case CMD_SELF_TEST -> {
                ctr |= CTR_SYSFLAG;
                push(SELF_TEST_PASSED);
            }
            case CMD_KBD_TEST -> push(INTERFACE_OK);
            case CMD_KBD_DISABLE -> ctr |= CTR_KBDDIS;
            case CMD_KBD_ENABLE -> ctr &= ~CTR_KBDDIS;
            case CMD_READ_OUTPUT_PORT -> push(outputPort);
            default -> {
                // 0xF0-0xFF pulse output port bits 0-3 low for a moment; bit 0 is the reset line.
                if (cmd >= 0xf0 && (cmd & OUTPUT_PORT_RESET) == 0) {
                    return true;
                }
                // Anything else is not implemented and ignored.
            }
        }
        return false;
    }

    /** Handles a byte on the data port; returns whether it resets the CPU. */
    private boolean data(int value) {
        lastWriteWasCommand = false;
        int cmd = awaitingData;
        awaitingData = 0;
        switch (cmd) {
            case CMD_WRITE_CTR -> ctr = value & ~0x80;
            case CMD_WRITE_OUTPUT_PORT -> {
                outputPort = value;
                return (value & OUTPUT_PORT_RESET) == 0;
            }
            case CMD_WRITE_KBD_OUTPUT -> push(value);
            case CMD_WRITE_AUX_OUTPUT, CMD_WRITE_AUX -> {
                // No aux device: the byte goes nowhere.
            }
            default -> {
                for (byte b : keyboard.receive(value)) {
                    push(b);
                }
            }
        }
        return false;
    }

    /** The controller's registers, its output buffer, and the keyboard's half-received command. */
    @Override
    public synchronized void saveState(StateWriter out) {
        out.ring(buffer, head, count).u8(ctr).u8(outputPort).bool(lastWriteWasCommand).u8(awaitingData).bool(irqRaised)
                .u8(keyboard.awaitingParameter());
    }

    @Override
    public synchronized void restoreState(StateReader in) {
        byte[] waiting = in.bytes(OUTPUT_BUFFER_SIZE, "i8042 output buffer");
        head = 0;
        count = 0;
        for (byte b : waiting) {
            push(b);
        }
        ctr = in.u8();
        outputPort = in.u8();
        lastWriteWasCommand = in.bool();
        awaitingData = in.u8();
        irqRaised = in.bool();
        keyboard.setAwaitingParameter(in.u8());
    }

    private boolean updateIrq() {
        boolean raised = count > 0 && (ctr & CTR_KBDINT) != 0;
        boolean rose = raised && !irqRaised;
        irqRaised = raised;
        return rose;
    }

    private void push(int b) {
        if (count == OUTPUT_BUFFER_SIZE) {
            return; // full: dropped, never grown
        }
        buffer[(head + count) % OUTPUT_BUFFER_SIZE] = (byte) b;
        count++;
    }

    private int pop() {
        if (count == 0) {
            return 0;
        }
        int b = Byte.toUnsignedInt(buffer[head]);
        head = (head + 1) % OUTPUT_BUFFER_SIZE;
        count--;
        return b;
    }
}
