package io.gatehouse.http;

import io.undertow.util.HttpString;

/**
 * Header names as CGI, WSGI and PHP see them: {@code X_Forwarded_For} and {@code X-Forwarded-For} both become
 * {@code HTTP_X_FORWARDED_FOR}, so a rule about one spelling must hold for the other. Compares in place, without
 * allocating: these run for every header of every request.
 */
public final class HeaderNames {

    private HeaderNames() {
    }

    /** Whether {@code name} has a {@code _}. */
    public static boolean hasUnderscore(HttpString name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.byteAt(i) == '_') {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code a} and {@code b} are the same name when case is ignored and {@code _} counts as {@code -}. */
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

    /** {@code name} with every {@code _} written {@code -}: a new name, for the rare one that has a {@code _}. */
    public static HttpString dashed(HttpString name) {
        return new HttpString(name.toString().replace('_', '-'));
    }

    private static int variableChar(byte b) {
        return b == '_' ? '-' : b >= 'a' && b <= 'z' ? b - 32 : b;
    }
}
