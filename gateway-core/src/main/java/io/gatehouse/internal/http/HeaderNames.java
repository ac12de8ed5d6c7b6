package io.gatehouse.internal.http;

import io.undertow.util.HttpString;

/**
 * Header names as CGI, WSGI and PHP see them: every character that is not a letter or a digit becomes {@code _}
 * (lighttpd's and Apache's CGI mapping), so {@code X_Forwarded_For}, {@code X.Forwarded.For} and
 * {@code X-Forwarded-For} all become {@code HTTP_X_FORWARDED_FOR}, and a rule about one spelling must hold for the
 * others. Compares in place, without allocating: these run for every header of every request.
 */
public final class HeaderNames {

    private HeaderNames() {
    }

    /**
     * Whether {@code name} has a character other than a letter, a digit or {@code -} ({@code _}, {@code .},
     * {@code ~} ...: legal in a field name, but the same as {@code -} to CGI). nginx ignores such headers by default
     * ({@code ignore_invalid_headers}, {@code underscores_in_headers off}).
     *
     * @param name a header name as received
     * @return whether {@link #dashed(HttpString)} would give a different name
     */
    public static boolean hasUnderscoreLike(HttpString name) {
        for (int i = 0; i < name.length(); i++) {
            byte b = name.byteAt(i);
            if (b != '-' && variableChar(b) == '-') {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code a} and {@code b} become the same CGI variable: case ignored, every other character a {@code -}.
     *
     * @param a one header name
     * @param b another header name
     * @return whether a CGI, WSGI or PHP backend would see both as one {@code HTTP_*} variable
     */
    public static boolean sameAsVariable(HttpString a, HttpString b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (variableChar(a.byteAt(i)) != variableChar(b.byteAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code name} with every character other than a letter or a digit written {@code -}: a new name, for the rare
     * one that {@link #hasUnderscoreLike has such a character}.
     *
     * @param name a header name
     * @return a new name, the letters' case kept
     */
    public static HttpString dashed(HttpString name) {
        byte[] bytes = new byte[name.length()];
        for (int i = 0; i < bytes.length; i++) {
            byte b = name.byteAt(i);
            bytes[i] = variableChar(b) == '-' ? (byte) '-' : b;
        }
        return new HttpString(bytes);
    }

    private static int variableChar(byte b) {
        if (b >= 'a' && b <= 'z') {
            return b - 32;
        }
        return (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ? b : '-';
    }
}
