package dev.kapsel.initramfs;

/**
 * fnmatch(3)-style matching of the patterns in modules.alias: {@code *}, {@code ?} and bracket
 * expressions ({@code [abc]}, {@code [a-z]}, {@code [!x]}); everything else matches itself. Iterative
 * with backtracking to the last star, so matching time is bounded by pattern length times text length.
 */
final class Glob {
    private Glob() {}

    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = -1;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starT = t;
                continue;
            }
            if (p < pattern.length()) {
                int next = matchOne(pattern, p, text.charAt(t));
                if (next >= 0) {
                    p = next;
                    t++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            p = starP + 1;
            t = ++starT;
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** If the pattern element at {@code p} matches {@code c}, the index after that element, else -1. */
    private static int matchOne(String pattern, int p, char c) {
        char pc = pattern.charAt(p);
        if (pc == '?') {
            return p + 1;
        }
        if (pc == '[') {
            int i = p + 1;
            boolean negate = i < pattern.length() && (pattern.charAt(i) == '!' || pattern.charAt(i) == '^');
            if (negate) {
                i++;
            }
            boolean found = false;
            boolean first = true;
            while (i < pattern.length() && (first || pattern.charAt(i) != ']')) {
                first = false;
                char lo = pattern.charAt(i);
                if (i + 2 < pattern.length() && pattern.charAt(i + 1) == '-' && pattern.charAt(i + 2) != ']') {
                    found |= c >= lo && c <= pattern.charAt(i + 2);
                    i += 3;
                } else {
                    found |= c == lo;
                    i++;
                }
            }
            if (i >= pattern.length()) {
                return c == '[' ? p + 1 : -1; // no closing bracket: '[' is literal
            }
            return found != negate ? i + 1 : -1;
        }
        return pc == c ? p + 1 : -1;
    }
}
