package dev.kapsel.acpi;

/**
 * The compressed EISA identifier (ACPI 6.5, 19.6.45 {@code EISAID}): three upper-case letters and
 * four hex digits, such as {@code PNP0501}, packed into 32 bits. Each letter becomes five bits
 * ({@code c - 0x40}); the result is stored so its little-endian bytes read
 * {@code [L1<<2 | L2>>3, L2<<5 | L3, digits 0-1, digits 2-3]}.
 */
public final class EisaId {
    private EisaId() {}

    /** The 32-bit value, e.g. {@code 0x0105D041} for {@code "PNP0501"}. */
    public static int compress(String id) {
        if (id.length() != 7) {
            throw new IllegalArgumentException("EISA id '" + id + "' must be 3 letters and 4 hex digits");
        }
        int[] letters = new int[3];
        for (int i = 0; i < 3; i++) {
            char c = id.charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new IllegalArgumentException("EISA id '" + id + "' must start with 3 upper-case letters");
            }
            letters[i] = c - 0x40;
        }
        String digits = id.substring(3);
        if (!digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
            throw new IllegalArgumentException("EISA id '" + id + "' must end with 4 upper-case hex digits");
        }
        int product = Integer.parseInt(digits, 16);
        int b0 = (letters[0] << 2) | (letters[1] >> 3);
        int b1 = ((letters[1] & 0x7) << 5) | letters[2];
        int b2 = (product >> 8) & 0xff;
        int b3 = product & 0xff;
        return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    }
}
