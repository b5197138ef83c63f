package dev.kapsel.devices.legacy;

import static dev.kapsel.devices.legacy.Serial16550.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class Serial16550Test {
    private final RecordingInterruptLine irq = new RecordingInterruptLine();
    private final RecordingOutputStream out = new RecordingOutputStream();
    private final Serial16550 uart = new Serial16550(irq, out);

    private int in(int offset) {
        byte[] data = new byte[1];
        uart.read(offset, data);
        return Byte.toUnsignedInt(data[0]);
    }

    private void out(int offset, int value) {
        uart.write(offset, new byte[] {(byte) value});
    }

    @Test
    void linuxAutoconfigSequenceFindsA16550A() {
        // IER probe: bits 0-3 writable, read back exactly.
        int savedIer = in(IER_DLM);
        out(IER_DLM, 0);
        assertEquals(0, in(IER_DLM) & 0x0f);
        out(IER_DLM, 0x0f);
        assertEquals(0x0f, in(IER_DLM) & 0x0f);
        out(IER_DLM, savedIer);

        // Loopback probe: MCR = LOOP | OUT2 | RTS must show DCD | CTS in MSR's top nibble.
        int savedMcr = in(MCR);
        out(MCR, MCR_LOOP | 0x0a);
        assertEquals(0x90, in(MSR) & 0xf0);
        out(MCR, savedMcr);

        // FIFO detection: EFR write in config mode B, then FCR enable; IIR bits 7:6 == 3 means 16550A.
        out(LCR, 0xbf);
        out(IIR_FCR, 0);
        out(LCR, 0);
        out(IIR_FCR, FCR_ENABLE);
        assertEquals(3, in(IIR_FCR) >> 6);

        // 16550A variant checks: no EFR behind DLAB, no 64-byte FIFO bit, no XScale UUE bit.
        out(LCR, 0x80);
        assertTrue(in(IIR_FCR) != 0);
        out(LCR, 0xbf);
        assertTrue(in(IIR_FCR) != 0);
        out(LCR, 0);
        out(IIR_FCR, FCR_ENABLE | 0x20);
        assertEquals(0xc0, in(IIR_FCR) & 0xe0);
        out(IER_DLM, 0x40);
        assertEquals(0, in(IER_DLM) & 0x40);
        assertEquals("", out.flushedText(), "the probe must not print anything");
    }

    @Test
    void fifoBitsFollowFcrEnable() {
        assertEquals(IIR_NONE, in(IIR_FCR));
        out(IIR_FCR, FCR_ENABLE);
        assertEquals(IIR_FIFO_ENABLED | IIR_NONE, in(IIR_FCR));
        out(IIR_FCR, 0);
        assertEquals(IIR_NONE, in(IIR_FCR));
    }

    @Test
    void divisorLatchIsBehindDlab() {
        out(IER_DLM, IER_RDA);
        out(LCR, LCR_DLAB | 0x03);
        out(RBR_THR_DLL, 0x01);
        out(IER_DLM, 0x00);
        assertEquals(0x01, in(RBR_THR_DLL));
        assertEquals(0x00, in(IER_DLM));
        out(LCR, 0x03);
        assertEquals(0x03, in(LCR));
        assertEquals(IER_RDA, in(IER_DLM), "IER kept its value while DLAB was set");
        assertEquals(0, out.size(), "the DLL write did not transmit");
        out(LCR, LCR_DLAB | 0x03);
        assertEquals(0x01, in(RBR_THR_DLL));
    }

    @Test
    void scratchRegisterHoldsAnyByte() {
        out(SCR, 0xa5);
        assertEquals(0xa5, in(SCR));
        out(SCR, 0x5a);
        assertEquals(0x5a, in(SCR));
    }

    @Test
    void transmittedBytesReachTheHostFlushedAtOnce() {
        for (char c : "# ".toCharArray()) {
            out(RBR_THR_DLL, c);
        }
        assertEquals("# ", out.flushedText(), "a prompt without newline must not wait in a buffer");
        assertEquals(2, out.flushes());
        assertEquals(LSR_THRE | LSR_TEMT, in(LSR));
    }

    @Test
    void outputErrorsAreCountedNotThrownAtTheGuest() {
        Serial16550 broken = new Serial16550(irq, new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("terminal gone");
            }
        });
        broken.write(RBR_THR_DLL, new byte[] {'x'});
        broken.write(RBR_THR_DLL, new byte[] {'y'});
        assertEquals(2, broken.droppedOutputBytes());
    }

    @Test
    void enablingThrEmptyRaisesItAndReadingIirClearsIt() {
        out(IER_DLM, IER_THRE);
        assertEquals(1, irq.edges());
        assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        assertEquals(IIR_NONE, in(IIR_FCR));
        out(RBR_THR_DLL, 'a');
        assertEquals(2, irq.edges(), "THR empties again after the byte leaves");
        assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        out(IER_DLM, 0);
        out(RBR_THR_DLL, 'b');
        assertEquals(2, irq.edges(), "no edge while ETBEI is off");
    }

    @Test
    void linuxThreTestSeesTheInterruptReasserted() {
        // serial8250_do_startup: IER=THRI, read IIR, IER=0, IER=THRI, read IIR must not say "no interrupt".
        out(IER_DLM, IER_THRE);
        int iir1 = in(IIR_FCR);
        out(IER_DLM, 0);
        out(IER_DLM, IER_THRE);
        int iir2 = in(IIR_FCR);
        out(IER_DLM, 0);
        assertEquals(IIR_THR_EMPTY, iir1 & 0x0f);
        assertEquals(IIR_THR_EMPTY, iir2 & 0x0f);
    }

    @Test
    void receivedDataTakesPriorityOverThrEmpty() {
        uart.enqueueInput(new byte[] {'k'});
        out(IER_DLM, IER_RDA | IER_THRE);
        assertEquals(1, irq.edges());
        assertEquals(IIR_RX_DATA, in(IIR_FCR));
        assertEquals(IIR_RX_DATA, in(IIR_FCR), "reading IIR does not clear received data");
        assertEquals(LSR_DR | LSR_THRE | LSR_TEMT, in(LSR));
        assertEquals('k', in(RBR_THR_DLL));
        assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        assertEquals(IIR_NONE, in(IIR_FCR));
        assertEquals(LSR_THRE | LSR_TEMT, in(LSR));
    }

    @Test
    void inputRaisesAnEdgeOnlyWhenTheOutputRises() {
        uart.enqueueInput(new byte[] {'a'});
        assertEquals(0, irq.edges(), "nothing enabled yet");
        out(IER_DLM, IER_RDA);
        assertEquals(1, irq.edges(), "enabling a pending source raises the line");
        uart.enqueueInput(new byte[] {'b'});
        assertEquals(1, irq.edges(), "already raised: no new edge");
        assertEquals('a', in(RBR_THR_DLL));
        assertEquals('b', in(RBR_THR_DLL));
        assertEquals(IIR_NONE, in(IIR_FCR));
        uart.enqueueInput(new byte[] {'c'});
        assertEquals(2, irq.edges());
    }

    @Test
    void inputFifoIsBoundedAt64Bytes() {
        byte[] flood = new byte[100];
        for (int i = 0; i < flood.length; i++) {
            flood[i] = (byte) i;
        }
        assertEquals(RX_FIFO_SIZE, uart.enqueueInput(flood));
        assertEquals(0, uart.enqueueInput(flood));
        assertEquals(0, uart.inputRoom());
        assertEquals(0, in(RBR_THR_DLL));
        assertEquals(1, uart.inputRoom());
        assertEquals(1, uart.enqueueInput(flood, 64, 36));
        for (int i = 1; i < 64; i++) {
            assertEquals(i, in(RBR_THR_DLL));
        }
        assertEquals(64, in(RBR_THR_DLL), "the byte accepted after room was made comes last");
        assertEquals(0, in(LSR) & LSR_DR);
    }

    @Test
    void hostWaitsForRoomUntilTheGuestReads() throws Exception {
        uart.enqueueInput(new byte[RX_FIFO_SIZE]);
        assertFalse(uart.awaitInputRoom(Duration.ofMillis(20)));
        AtomicBoolean woke = new AtomicBoolean();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            try {
                uart.awaitInputRoom();
                woke.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(50);
        assertFalse(woke.get());
        in(RBR_THR_DLL);
        waiter.get(5, TimeUnit.SECONDS);
        assertTrue(woke.get());
        assertEquals(1, uart.enqueueInput(new byte[] {1, 2}));
    }

    @Test
    void fifoClearDropsPendingInputAndMakesRoom() {
        uart.enqueueInput(new byte[] {1, 2, 3});
        out(IIR_FCR, FCR_ENABLE | FCR_CLEAR_RX);
        assertEquals(0, in(LSR) & LSR_DR);
        assertEquals(RX_FIFO_SIZE, uart.inputRoom());
        uart.enqueueInput(new byte[] {9});
        out(IIR_FCR, FCR_ENABLE); // no clear bit, enable unchanged: keeps data
        assertEquals(9, in(RBR_THR_DLL));
    }

    @Test
    void loopbackReturnsTransmittedBytesAndMirrorsModemLines() {
        out(MCR, MCR_LOOP);
        out(RBR_THR_DLL, 'z');
        assertEquals(0, out.size(), "loopback keeps output inside the UART");
        assertEquals(LSR_DR, in(LSR) & LSR_DR);
        assertEquals('z', in(RBR_THR_DLL));
        in(MSR); // clear deltas from entering loopback
        out(MCR, MCR_LOOP | MCR_DTR);
        assertEquals(MSR_DSR | MSR_DDSR, in(MSR));
        out(MCR, MCR_LOOP | MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2);
        assertEquals(MSR_DSR | MSR_CTS | MSR_RI | MSR_DCD | MSR_DCTS | MSR_DDCD, in(MSR));
        out(MCR, MCR_LOOP | MCR_DTR | MCR_RTS | MCR_OUT2);
        assertEquals(MSR_DSR | MSR_CTS | MSR_DCD | MSR_TERI, in(MSR), "ring indicator trailing edge");
        assertEquals(MSR_DSR | MSR_CTS | MSR_DCD, in(MSR), "deltas clear on read");
        out(MCR, MCR_OUT2);
        out(RBR_THR_DLL, 'q');
        assertEquals("q", out.flushedText());
    }

    @Test
    void modemLinesShowAConnectedTerminalOutsideLoopback() {
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR));
        out(MCR, 0);
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR), "not tied to DTR/RTS outside loopback");
    }

    @Test
    void modemStatusInterruptHasLowestPriority() {
        out(MCR, MCR_LOOP);
        out(IER_DLM, IER_MS | IER_THRE);
        assertEquals(IIR_THR_EMPTY, in(IIR_FCR));
        assertEquals(IIR_MODEM_STATUS, in(IIR_FCR));
        in(MSR);
        assertEquals(IIR_NONE, in(IIR_FCR));
    }

    @Test
    void loopbackOverrunSetsLineStatusInterrupt() {
        out(MCR, MCR_LOOP);
        out(IER_DLM, IER_RLS | IER_RDA);
        int before = irq.edges();
        for (int i = 0; i <= RX_FIFO_SIZE; i++) {
            out(RBR_THR_DLL, i);
        }
        assertEquals(before + 1, irq.edges());
        assertEquals(IIR_LINE_STATUS, in(IIR_FCR));
        assertEquals(LSR_OE | LSR_DR, in(LSR) & (LSR_OE | LSR_DR));
        assertEquals(IIR_RX_DATA, in(IIR_FCR), "reading LSR cleared the overrun");
        assertEquals(0, in(LSR) & LSR_OE);
    }

    @Test
    void hostInputWaitsWhileInLoopback() throws Exception {
        out(MCR, MCR_LOOP);
        assertEquals(0, uart.enqueueInput(new byte[] {'x'}));
        assertEquals(0, uart.inputRoom());
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return uart.awaitInputRoom(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                return false;
            }
        });
        Thread.sleep(30);
        assertFalse(waiter.isDone());
        out(MCR, MCR_OUT2);
        assertTrue(waiter.get(5, TimeUnit.SECONDS));
        assertEquals(1, uart.enqueueInput(new byte[] {'x'}));
    }

    @Test
    void widerOrOutOfRangeAccessesAreNotRegisters() {
        byte[] wide = new byte[2];
        uart.read(RBR_THR_DLL, wide);
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff}, wide);
        uart.write(RBR_THR_DLL, new byte[] {'a', 'b'});
        byte[] one = new byte[1];
        uart.read(8, one);
        assertEquals((byte) 0xff, one[0]);
        assertEquals(0, out.size());
    }

    @Test
    void hostThreadAndVcpuThreadExchangeAStreamInOrder() throws Exception {
        int total = 5000;
        CompletableFuture<Void> host = CompletableFuture.runAsync(() -> {
            byte[] one = new byte[1];
            try {
                for (int i = 0; i < total; i++) {
                    one[0] = (byte) i;
                    while (uart.enqueueInput(one) == 0) {
                        uart.awaitInputRoom();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < total; i++) {
            while ((in(LSR) & LSR_DR) == 0) {
                Thread.onSpinWait();
            }
            assertEquals(i & 0xff, in(RBR_THR_DLL));
        }
        host.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRestoredUartHasTheRegistersAndTheUnreadInputOfTheSavedOne() {
        out(LCR, LCR_DLAB | 0x03);
        out(RBR_THR_DLL, 0x01); // 115200 baud
        out(LCR, 0x03);
        out(SCR, 0x5a);
        out(IER_DLM, IER_RDA);
        assertEquals(2, uart.enqueueInput(new byte[] {'h', 'i'}));
        dev.kapsel.state.StateWriter saved = new dev.kapsel.state.StateWriter();
        uart.saveState(saved);

        Serial16550 restored = new Serial16550(new RecordingInterruptLine(), new RecordingOutputStream());
        dev.kapsel.state.StateReader in = new dev.kapsel.state.StateReader(saved.toByteArray());
        restored.restoreState(in);
        in.end();
        java.util.function.IntUnaryOperator read = offset -> {
            byte[] d = new byte[1];
            restored.read(offset, d);
            return Byte.toUnsignedInt(d[0]);
        };
        assertEquals(0x5a, read.applyAsInt(SCR));
        assertEquals(0x03, read.applyAsInt(LCR));
        assertEquals(IER_RDA, read.applyAsInt(IER_DLM));
        assertEquals(IIR_RX_DATA, read.applyAsInt(IIR_FCR) & 0x0f, "the receive interrupt is still pending");
        assertEquals('h', read.applyAsInt(RBR_THR_DLL));
        assertEquals('i', read.applyAsInt(RBR_THR_DLL));
        restored.write(LCR, new byte[] {(byte) (LCR_DLAB | 0x03)});
        assertEquals(0x01, read.applyAsInt(RBR_THR_DLL), "the divisor latch came back too");
    }
}
