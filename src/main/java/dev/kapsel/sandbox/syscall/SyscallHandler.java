package dev.kapsel.sandbox.syscall;

/** The Java implementation of one system call: takes the six argument registers, returns RAX (or throws ErrnoException). */
@FunctionalInterface
public interface SyscallHandler {
    long call(long a0, long a1, long a2, long a3, long a4, long a5);
}
