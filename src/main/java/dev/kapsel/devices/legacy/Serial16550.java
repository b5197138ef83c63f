package dev.kapsel.devices.legacy;

import dev.kapsel.bus.InterruptLine;
import dev.kapsel.bus.Bus;
import dev.kapsel.bus.BusDevice;
import dev.kapsel.state.Persistent;
import dev.kapsel.state.StateReader;
import dev.kapsel.state.StateWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 16550A UART (the PC's COM port), modelled at the register level as Linux's 8250 driver and
 * its early console use it. Eight byte-wide registers at offsets 0-7 of the port range
 * ({@link #REGISTER_COUNT}); wider or out-of-range accesses read all ones and write nothing.
 *
 * <p>Transmission is instantaneous: a byte written to THR goes straight to the injected
 * {@link OutputStream}, which is flushed after every byte so a prompt without a newline shows at
 * once; THR and the transmitter are therefore always empty (LSR THRE and TEMT set). Output errors do
 * not reach the guest: the byte is dropped and counted ({@link #droppedOutputBytes()}).
 *
 * <p>Reception: the host feeds guest input with {@link #enqueueInput} into a FIFO of
 * {@value #RX_FIFO_SIZE} bytes. The FIFO is never grown; when it is full the host waits with
 * {@link #awaitInputRoom()} until the guest has read some bytes. The FCR trigger level is ignored:
 * "received data available" is signalled as soon as one byte is there.
 *
 * <p>Interrupts are edges on the injected {@link InterruptLine}: {@code trigger()} is called whenever
 * the UART's interrupt output rises, that is when some condition enabled in IER becomes pending while
 * none was. Sources by priority, as reported in IIR: receiver line status (overrun, only possible in
 * loopback), received data available, THR empty, modem status. The THR-empty interrupt is pending
 * after each THR write and when IER's ETBEI bit is turned on (the 8250 driver relies on this to
 * start sending), and is cleared by an IIR read that reports it or by the next THR write.
 *
 * <p>MSR reports CTS, DSR and DCD asserted (a connected terminal) so the console works without
 * flow control; in loopback mode (MCR bit 4) the modem inputs follow the MCR outputs and THR bytes
 * come back through the receive FIFO instead of leaving the VM, as the driver's probe expects.
 *
 * <p>All register and FIFO state is guarded by this object's monitor, so vCPU threads and a host
 * input thread can use one instance concurrently. The output stream and the interrupt line are
 * called outside that monitor, so a slow terminal never blocks host input.
 */
public final class Serial16550 implements BusDevice, Persistent {
    /** Size of the port range: registers at offsets 0 to 7. */
    public static final int REGISTER_COUNT = 8;

    /**
     * Capacity of the receive FIFO, as in the 16550A-compatible vm-superio model. The bound is
     * deliberate: Firecracker's serial device once buffered host input without limit and a flood on
     * stdin could exhaust the VMM's memory (CVE-2020-27173); vm-superio fixed the input queue at 64
     * bytes. Host input beyond it waits, it is never queued.
     */
    public static final int RX_FIFO_SIZE = 64;

    // Register offsets (16550 datasheet, table 2).
    static final int RBR_THR_DLL = 0;
    static final int IER_DLM = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int IER_RDA = 0x01;
    static final int IER_THRE = 0x02;
    static final int IER_RLS = 0x04;
    static final int IER_MS = 0x08;
    private static final int IER_MASK = 0x0f;

    static final int IIR_NONE = 0x01;
    static final int IIR_MODEM_STATUS = 0x00;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_RX_DATA = 0x04;
    static final int IIR_LINE_STATUS = 0x06;
    static final int IIR_FIFO_ENABLED = 0xc0;

    static final int FCR_ENABLE = 0x01;
    static final int FCR_CLEAR_RX = 0x02;

    static final int LCR_DLAB = 0x80;

    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;
    private static final int MCR_MASK = 0x1f;

    static final int LSR_DR = 0x01;
    static final int LSR_OE = 0x02;
    static final int LSR_THRE = 0x20;
    static final int LSR_TEMT = 0x40;

    static final int MSR_DCTS = 0x01;
    static final int MSR_DDSR = 0x02;
    static final int MSR_TERI = 0x04;
    static final int MSR_DDCD = 0x08;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;

    private final InterruptLine interrupt;
    private final OutputStream output;
    private final Object outputLock = new Object();
    private final AtomicLong droppedOutput = new AtomicLong();

    // Guarded by this.
    private int ier;
    private int lcr = 0x03; // 8 data bits, no parity, 1 stop bit
    private int mcr = MCR_OUT2;
    private int scr;
    private int dll = 0x0c; // divisor 12: 9600 baud from the 1.8432 MHz clock
    private int dlm;
    private boolean fifoEnabled;
    private boolean overrun;
    private boolean thrEmptyPending;
    private int modemLines = MSR_CTS | MSR_DSR | MSR_DCD;
    private int modemDeltas;
    private boolean interruptRaised;
    private final byte[] rxFifo = new byte[RX_FIFO_SIZE];
    private int rxHead;
    private int rxCount;

    public Serial16550(InterruptLine interrupt, OutputStream output) {
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
        this.output = Objects.requireNonNull(output, "output");
    }

    @Override
    public void read(long offset, byte[] data) {
        if (data.length != 1 || offset < 0 || offset >= REGISTER_COUNT) {
            Bus.fillUnmapped(data);
            return;
        }
        boolean rose;
        synchronized (this) {
            data[0] = (byte) readRegister((int) offset);
            // Reads only acknowledge sources, but keep the edge tracker in step all the same.
            rose = updateInterruptOutput();
        }
        if (rose) {
            interrupt.trigger();
        }
    }

    @Override
    public void write(long offset, byte[] data) {
        if (data.length != 1 || offset < 0 || offset >= REGISTER_COUNT) {
            return;
        }
        int value = Byte.toUnsignedInt(data[0]);
        int transmitted = -1;
        boolean rose;
        synchronized (this) {
            if (offset == RBR_THR_DLL && (lcr & LCR_DLAB) == 0) {
                transmitted = transmit(value);
            } else {
                writeRegister((int) offset, value);
            }
            rose = updateInterruptOutput();
        }
        if (transmitted >= 0) {
            emit(transmitted);
        }
        if (rose) {
            interrupt.trigger();
        }
    }

    /**
     * Queues host input for the guest: as many bytes of {@code data} as the receive FIFO has room for.
     * In loopback mode the serial input is disconnected and nothing is taken.
     *
     * @return the number of bytes accepted, from 0 to {@code data.length}; the caller keeps the rest
     *     and may {@link #awaitInputRoom()} before offering it again
     */
    public int enqueueInput(byte[] data) {
        return enqueueInput(data, 0, data.length);
    }

    /** As {@link #enqueueInput(byte[])}, for {@code data[offset, offset + length)}. */
    public int enqueueInput(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        int accepted;
        boolean rose;
        synchronized (this) {
            if (!acceptsInput()) {
                return 0;
            }
            accepted = Math.min(length, RX_FIFO_SIZE - rxCount);
            for (int i = 0; i < accepted; i++) {
                pushReceived(data[offset + i]);
            }
            rose = updateInterruptOutput();
        }
        if (rose) {
            interrupt.trigger();
        }
        return accepted;
    }

    /** Free space in the receive FIFO for host input right now (0 in loopback mode). */
    public synchronized int inputRoom() {
        return acceptsInput() ? RX_FIFO_SIZE - rxCount : 0;
    }

    /** Blocks until {@link #enqueueInput} would accept at least one byte. */
    public synchronized void awaitInputRoom() throws InterruptedException {
        while (!acceptsInput()) {
            wait();
        }
    }

    /**
     * Blocks until {@link #enqueueInput} would accept at least one byte, or {@code timeout} passes.
     *
     * @return whether there is room now
     */
    public synchronized boolean awaitInputRoom(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!acceptsInput()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Registers, line and modem state, the interrupt edge tracker and the bytes waiting in the receive FIFO. */
    @Override
    public synchronized void saveState(StateWriter out) {
        out.u8(ier).u8(lcr).u8(mcr).u8(scr).u8(dll).u8(dlm).bool(fifoEnabled).bool(overrun).bool(thrEmptyPending)
                .u8(modemLines).u8(modemDeltas).bool(interruptRaised).ring(rxFifo, rxHead, rxCount);
    }

    @Override
    public synchronized void restoreState(StateReader in) {
        ier = in.u8();
        lcr = in.u8();
        mcr = in.u8();
        scr = in.u8();
        dll = in.u8();
        dlm = in.u8();
        fifoEnabled = in.bool();
        overrun = in.bool();
        thrEmptyPending = in.bool();
        modemLines = in.u8();
        modemDeltas = in.u8();
        interruptRaised = in.bool();
        byte[] waiting = in.bytes(RX_FIFO_SIZE, "serial receive FIFO");
        rxHead = 0;
        rxCount = 0;
        for (byte b : waiting) {
            pushReceived(b);
        }
    }

    /** Bytes the guest sent that could not be written to the output stream. */
    public long droppedOutputBytes() {
        return droppedOutput.get();
    }

    private boolean acceptsInput() {
        return (mcr & MCR_LOOP) == 0 && rxCount < RX_FIFO_SIZE;
    }

    private int readRegister(int offset) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (offset) {
            case RBR_THR_DLL -> dlab ? dll : popReceived();
            case IER_DLM -> dlab ? dlm : ier;
            case IIR_FCR -> {
                int iir = interruptIdentification();
                if (iir == IIR_THR_EMPTY) {
                    thrEmptyPending = false; // reading IIR acknowledges a THR-empty interrupt
                }
                yield iir | (fifoEnabled ? IIR_FIFO_ENABLED : 0);
            }
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> {
                int lsr = LSR_THRE | LSR_TEMT | (rxCount > 0 ? LSR_DR : 0) | (overrun ? LSR_OE : 0);
                overrun = false; // error bits clear on read
                yield lsr;
            }
            case MSR -> {
                int msr = modemLines | modemDeltas;
                modemDeltas = 0; // delta bits clear on read
                yield msr;
            }
            case SCR -> scr;
            default -> throw new AssertionError(offset);
        };
    }

    private void writeRegister(int offset, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case RBR_THR_DLL -> dll = value; // THR is handled by transmit()
            case IER_DLM -> {
                if (dlab) {
                    dlm = value;
                } else {
                    int enabled = value & IER_MASK;
                    if ((enabled & IER_THRE) != 0 && (ier & IER_THRE) == 0) {
                        thrEmptyPending = true; // THR is always empty: enabling ETBEI raises it
                    }
                    ier = enabled;
                }
            }
            case IIR_FCR -> writeFifoControl(value);
            case LCR -> lcr = value;
            case MCR -> writeModemControl(value & MCR_MASK);
            case SCR -> scr = value;
            default -> {
                // LSR and MSR are read-only.
            }
        }
    }

    /** Sends a THR byte; returns the byte for the host, or -1 when loopback kept it inside. */
    private int transmit(int value) {
        thrEmptyPending = true; // the byte leaves at once and THR is empty again
        if ((mcr & MCR_LOOP) != 0) {
            if (rxCount == RX_FIFO_SIZE) {
                overrun = true;
            } else {
                pushReceived((byte) value);
            }
            return -1;
        }
        return value;
    }

    private void writeFifoControl(int value) {
        boolean enable = (value & FCR_ENABLE) != 0;
        // Changing the enable bit clears the FIFOs, as does the explicit clear bit.
        if (enable != fifoEnabled || (value & FCR_CLEAR_RX) != 0) {
            rxHead = 0;
            rxCount = 0;
            notifyAll();
        }
        fifoEnabled = enable;
    }

    private void writeModemControl(int value) {
        boolean wasLoop = (mcr & MCR_LOOP) != 0;
        mcr = value;
        int lines;
        if ((value & MCR_LOOP) != 0) {
            lines = ((value & MCR_RTS) != 0 ? MSR_CTS : 0)
                    | ((value & MCR_DTR) != 0 ? MSR_DSR : 0)
                    | ((value & MCR_OUT1) != 0 ? MSR_RI : 0)
                    | ((value & MCR_OUT2) != 0 ? MSR_DCD : 0);
        } else {
            lines = MSR_CTS | MSR_DSR | MSR_DCD;
            if (wasLoop) {
                notifyAll(); // the serial input is connected again
            }
        }
        int changed = lines ^ modemLines;
        if ((changed & MSR_CTS) != 0) {
            modemDeltas |= MSR_DCTS;
        }
        if ((changed & MSR_DSR) != 0) {
            modemDeltas |= MSR_DDSR;
        }
        if ((changed & MSR_RI) != 0 && (lines & MSR_RI) == 0) {
            modemDeltas |= MSR_TERI; // trailing edge of ring indicator only
        }
        if ((changed & MSR_DCD) != 0) {
            modemDeltas |= MSR_DDCD;
        }
        modemLines = lines;
    }

    private int interruptIdentification() {
        if ((ier & IER_RLS) != 0 && overrun) {
            return IIR_LINE_STATUS;
        }
        if ((ier & IER_RDA) != 0 && rxCount > 0) {
            return IIR_RX_DATA;
        }
        if ((ier & IER_THRE) != 0 && thrEmptyPending) {
            return IIR_THR_EMPTY;
        }
        if ((ier & IER_MS) != 0 && modemDeltas != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NONE;
    }

    /** Recomputes the interrupt output; returns true when it has just risen (an edge to deliver). */
    private boolean updateInterruptOutput() {
        boolean raised = interruptIdentification() != IIR_NONE;
        boolean rose = raised && !interruptRaised;
        interruptRaised = raised;
        return rose;
    }

    private void pushReceived(byte b) {
        rxFifo[(rxHead + rxCount) % RX_FIFO_SIZE] = b;
        rxCount++;
    }

    private int popReceived() {
        if (rxCount == 0) {
            return 0;
        }
        int b = Byte.toUnsignedInt(rxFifo[rxHead]);
        rxHead = (rxHead + 1) % RX_FIFO_SIZE;
        rxCount--;
        notifyAll();
        return b;
    }

    private void emit(int b) {
        synchronized (outputLock) {
            try {
                output.write(b);
                output.flush();
            } catch (IOException e) {
                droppedOutput.incrementAndGet();
            }
        }
    }
}
