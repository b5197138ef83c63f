package dev.kapsel.sandbox.syscall;

/** System calls by x86-64 number: name, argument kinds for strace, and the handler. */
public final class SyscallTable {
    public static final int SIZE = 512;

    /** One defined system call. */
    public record Entry(int number, String name, Arg[] args, SyscallHandler handler) {}

    private final Entry[] entries = new Entry[SIZE];

    public void define(int number, String name, SyscallHandler handler, Arg... args) {
        if (entries[number] != null) {
            throw new IllegalStateException("system call " + number + " defined twice");
        }
        entries[number] = new Entry(number, name, args, handler);
    }

    public Entry get(long number) {
        return number >= 0 && number < SIZE ? entries[(int) number] : null;
    }
}
