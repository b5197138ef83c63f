package dev.kapsel.sandbox.syscall;

/** How strace shows one argument. */
public enum Arg {
    /** Signed decimal. */
    INT,
    /** Hexadecimal (addresses, flags). */
    HEX,
    /** A file descriptor, AT_FDCWD shown by name. */
    FD,
    /** A NUL-terminated path, shown quoted. */
    PATH,
    /** A buffer the program passes in whose length is the next argument: first bytes shown quoted. */
    BUF_IN,
    /** Flags, always hexadecimal. */
    FLAGS,
    /** Octal (modes). */
    OCT
}
