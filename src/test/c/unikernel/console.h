/* The test kernels' serial console, checks and exits: freestanding, for -m32 and -m64 alike. */
#ifndef KAPSEL_CONSOLE_H
#define KAPSEL_CONSOLE_H

#include <stdint.h>

void outb(uint16_t port, uint8_t value);
uint8_t inb(uint16_t port);

void put(const char *s);
void put_hex(uint64_t v);
void put_dec(uint64_t v);
/* "'text'": at most max bytes of s, non-printable ones as '.' */
void put_quoted(const char *s, uint64_t max);
void put_line(const char *key, uint64_t value);
/* "memmap ADDR SIZE TYPE" */
void put_memmap(uint64_t addr, uint64_t size, uint32_t type);
/* "module ADDR SIZE 'first bytes'" without the newline */
void put_module(uint64_t addr, uint64_t size);

/* true if the NUL-terminated command line holds the word w */
int has_word(const char *cmdline, const char *w);
/* the PIT (in-kernel, channel 0) is counting down: prints "pit counting" or "pit stuck" */
void report_pit(void);
/* an unclaimed port (0x71, the CMOS data port kapsel does not model) reads as: prints it */
void report_unclaimed_port(void);
/* "exit=reset" on the command line: i8042 reset (port 0x64 <- 0xFE); else ACPI S5 power-off */
__attribute__((noreturn)) void finish(const char *cmdline);
/* prints "FAIL why" and resets */
__attribute__((noreturn)) void fail(const char *why);

#endif
