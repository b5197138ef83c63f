#include "console.h"

#define COM1 0x3f8
#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define CMOS_DATA 0x71
#define I8042_COMMAND 0x64
#define I8042_PULSE_RESET 0xfe
/* kapsel's ACPI hardware-reduced sleep control register: SLP_TYP 5 (S5) << 2 | SLP_EN */
#define ACPI_SLEEP_CONTROL 0x600
#define ACPI_S5 ((5 << 2) | (1 << 5))

void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

/* the compiler may call these even in freestanding code */
void *memset(void *d, int c, unsigned long n) {
    unsigned char *p = d;
    while (n--) {
        *p++ = (unsigned char) c;
    }
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) {
        *p++ = *q++;
    }
    return d;
}

void outb(uint16_t port, uint8_t value) {
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void put(const char *s) {
    while (*s) {
        outb(COM1, (uint8_t) *s++);
    }
}

void put_hex(uint64_t v) {
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    int n = 0;
    uint64_t t = v;
    do {
        n++;
        t >>= 4;
    } while (t);
    for (int i = n - 1; i >= 0; i--) {
        buf[2 + i] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    }
    buf[2 + n] = 0;
    put(buf);
}

void put_dec(uint64_t v) {
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        /* 32-bit code has no 64-bit division without libgcc: values printed in decimal stay small */
        uint32_t small = (uint32_t) v;
        buf[--i] = (char) ('0' + small % 10);
        v = small / 10;
    } while (v);
    put(&buf[i]);
}

void put_quoted(const char *s, uint64_t max) {
    char c[2] = {0, 0};
    put("'");
    for (uint64_t i = 0; i < max && s[i]; i++) {
        c[0] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '.';
        put(c);
    }
    put("'");
}

void put_line(const char *key, uint64_t value) {
    put(key);
    put(" ");
    put_hex(value);
    put("\n");
}

void put_memmap(uint64_t addr, uint64_t size, uint32_t type) {
    put("memmap ");
    put_hex(addr);
    put(" ");
    put_hex(size);
    put(" ");
    put_dec(type);
    put("\n");
}

void put_module(uint64_t addr, uint64_t size) {
    put("module ");
    put_hex(addr);
    put(" ");
    put_hex(size);
    put(" ");
    put_quoted((const char *) (uintptr_t) addr, size < 40 ? size : 40);
}

int has_word(const char *cmdline, const char *w) {
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ') {
            p++;
        }
        const char *a = p;
        const char *b = w;
        while (*a && *a != ' ' && *b && *a == *b) {
            a++;
            b++;
        }
        if (*b == 0 && (*a == 0 || *a == ' ')) {
            return 1;
        }
        while (*p && *p != ' ') {
            p++;
        }
    }
    return 0;
}

static uint16_t pit_read(void) {
    outb(PIT_COMMAND, 0x00); /* latch channel 0 */
    uint8_t lo = inb(PIT_CHANNEL0);
    uint8_t hi = inb(PIT_CHANNEL0);
    return (uint16_t) (lo | hi << 8);
}

void report_pit(void) {
    outb(PIT_COMMAND, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(PIT_CHANNEL0, 0xff);
    outb(PIT_CHANNEL0, 0xff);
    uint16_t first = pit_read();
    int moved = 0;
    for (int i = 0; i < 50 && !moved; i++) {
        moved = pit_read() != first;
    }
    put(moved ? "pit counting\n" : "pit stuck\n");
}

void report_unclaimed_port(void) {
    put_line("port-0x71", inb(CMOS_DATA));
}

void finish(const char *cmdline) {
    if (has_word(cmdline, "exit=reset")) {
        put("exit reset\n");
        outb(I8042_COMMAND, I8042_PULSE_RESET);
    } else {
        put("exit poweroff\n");
        outb(ACPI_SLEEP_CONTROL, ACPI_S5);
    }
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

void fail(const char *why) {
    put("FAIL ");
    put(why);
    put("\n");
    outb(I8042_COMMAND, I8042_PULSE_RESET);
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}
