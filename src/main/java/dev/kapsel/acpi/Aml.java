package dev.kapsel.acpi;

/**
 * Encoders for the AML terms kapsel's DSDT needs (ACPI 6.5, chapter 20): integers with the
 * shortest prefix for their value, strings, EISA ids, packages, buffers, and the named objects
 * {@code Name}, {@code Scope}, {@code Device} and {@code Method}. Each method returns the complete
 * encoding of one term; terms nest by passing encodings as arguments.
 */
public final class Aml {
    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0a;
    static final int WORD_PREFIX = 0x0b;
    static final int DWORD_PREFIX = 0x0c;
    static final int STRING_PREFIX = 0x0d;
    static final int QWORD_PREFIX = 0x0e;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int PACKAGE_OP = 0x12;
    static final int METHOD_OP = 0x14;
    static final int EXT_OP_PREFIX = 0x5b;
    static final int DEVICE_OP = 0x82;
    static final int RETURN_OP = 0xa4;

    private Aml() {}

    /**
     * An integer constant, read as unsigned 64-bit: {@code ZeroOp}, {@code OneOp}, or the byte,
     * word, dword or qword prefix, whichever is shortest.
     */
    public static byte[] integer(long value) {
        LittleEndianBytes out = new LittleEndianBytes();
        if (value == 0) {
            out.u8(ZERO_OP);
        } else if (value == 1) {
            out.u8(ONE_OP);
        } else if (Long.compareUnsigned(value, 0xffL) <= 0) {
            out.u8(BYTE_PREFIX).u8((int) value);
        } else if (Long.compareUnsigned(value, 0xffffL) <= 0) {
            out.u8(WORD_PREFIX).u16((int) value);
        } else if (Long.compareUnsigned(value, 0xffff_ffffL) <= 0) {
            out.u8(DWORD_PREFIX).u32(value);
        } else {
            out.u8(QWORD_PREFIX).u64(value);
        }
        return out.toByteArray();
    }

    /** A string constant: ASCII characters 0x01-0x7F and a terminating NUL. */
    public static byte[] string(String text) {
        LittleEndianBytes out = new LittleEndianBytes().u8(STRING_PREFIX);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c > 0x7f) {
                throw new IllegalArgumentException("AML string '" + text + "' has a character outside 0x01-0x7F");
            }
            out.u8(c);
        }
        return out.u8(0).toByteArray();
    }

    /** {@code EISAID("PNP0501")}: the compressed id as a DWord constant. */
    public static byte[] eisaId(String id) {
        return new LittleEndianBytes().u8(DWORD_PREFIX).u32(EisaId.compress(id) & 0xffff_ffffL).toByteArray();
    }

    /** {@code Package(){elements}}, with at most 255 elements. */
    public static byte[] packageOf(byte[]... elements) {
        if (elements.length > 255) {
            throw new IllegalArgumentException("AML Package has " + elements.length + " elements; at most 255 fit");
        }
        LittleEndianBytes body = new LittleEndianBytes().u8(elements.length);
        for (byte[] e : elements) {
            body.bytes(e);
        }
        return op(PACKAGE_OP, PkgLength.wrap(body.toByteArray()));
    }

    /** {@code Buffer(n){data}} with the size as an integer term. */
    public static byte[] buffer(byte[] data) {
        byte[] body = new LittleEndianBytes().bytes(integer(data.length)).bytes(data).toByteArray();
        return op(BUFFER_OP, PkgLength.wrap(body));
    }

    /** {@code Name(path, value)}. */
    public static byte[] name(String path, byte[] value) {
        return new LittleEndianBytes().u8(NAME_OP).bytes(AmlName.namePath(path)).bytes(value).toByteArray();
    }

    /** {@code Scope(path){terms}}. */
    public static byte[] scope(String path, byte[]... terms) {
        return op(SCOPE_OP, PkgLength.wrap(named(path, terms)));
    }

    /** {@code Device(path){terms}}. */
    public static byte[] device(String path, byte[]... terms) {
        byte[] body = PkgLength.wrap(named(path, terms));
        return new LittleEndianBytes().u8(EXT_OP_PREFIX).u8(DEVICE_OP).bytes(body).toByteArray();
    }

    /** {@code Method(path, argCount, Serialized|NotSerialized){terms}}, sync level 0. */
    public static byte[] method(String path, int argCount, boolean serialized, byte[]... terms) {
        if (argCount < 0 || argCount > 7) {
            throw new IllegalArgumentException("AML Method takes 0 to 7 arguments, not " + argCount);
        }
        LittleEndianBytes body = new LittleEndianBytes().bytes(AmlName.namePath(path)).u8(argCount | (serialized ? 0x08 : 0));
        for (byte[] t : terms) {
            body.bytes(t);
        }
        return op(METHOD_OP, PkgLength.wrap(body.toByteArray()));
    }

    /** {@code Return(value)}. */
    public static byte[] returnOf(byte[] value) {
        return new LittleEndianBytes().u8(RETURN_OP).bytes(value).toByteArray();
    }

    private static byte[] named(String path, byte[][] terms) {
        LittleEndianBytes body = new LittleEndianBytes().bytes(AmlName.namePath(path));
        for (byte[] t : terms) {
            body.bytes(t);
        }
        return body.toByteArray();
    }

    private static byte[] op(int opcode, byte[] rest) {
        return new LittleEndianBytes().u8(opcode).bytes(rest).toByteArray();
    }
}
