package io.gatehouse.internal.http;

/** Character classes of RFC 9110/9112, on single bytes: for the request guard and the backend response parser. */
public final class HttpSyntax {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpSyntax() {
    }

    /**
     * A token character: what method names, header names and transfer codings are made of.
     *
     * @param b a byte, sign-extended or not
     * @return whether it is an RFC 9110 {@code tchar}
     */
    public static boolean tchar(int b) {
        return TCHAR[b & 0xff];
    }

    /**
     * A Content-Length value as Gatehouse accepts one on either side: 1 to 18 ASCII digits, so that it always fits
     * in a long; no sign, no list, no whitespace.
     *
     * @param value a field value
     * @return whether it is such a length
     */
    public static boolean contentLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * SP or HTAB: the only whitespace HTTP allows inside a header line (never CR, LF, VT or FF).
     *
     * @param b a byte
     * @return whether it is SP or HTAB
     */
    public static boolean whitespace(int b) {
        return b == ' ' || b == '\t';
    }

    /**
     * A byte allowed in a field value: HTAB, SP, visible ASCII, obs-text. Never NUL, CR, LF or another control.
     *
     * @param b a byte, sign-extended or not
     * @return whether it may appear in a field value
     */
    public static boolean fieldValue(int b) {
        int c = b & 0xff;
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    /**
     * A byte allowed in a quoted-string other than the quote and the backslash.
     *
     * @param b a byte, sign-extended or not
     * @return whether it is RFC 9110 {@code qdtext}
     */
    public static boolean qdtext(int b) {
        return fieldValue(b) && b != '"' && b != '\\';
    }

    /**
     * The value of a hexadecimal digit, either case: for chunk sizes.
     *
     * @param b a byte
     * @return 0 to 15, or -1 when {@code b} is not a hex digit
     */
    public static int hexValue(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
