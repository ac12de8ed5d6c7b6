package io.gatehouse.internal.forwarded;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

/** Reading header values that may be relayed: a value with a control character is never believed or relayed. */
final class HeaderText {

    private HeaderText() {
    }

    /** True when the value has no control character other than horizontal tab (so no CR, LF, NUL, DEL). */
    static boolean isSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    static boolean allSafe(HeaderValues values) {
        if (values != null) {
            for (String value : values) {
                if (!isSafe(value)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * All lines of a header joined in order with {@code ", "} (RFC 9110 §5.3), or {@code null} when the header is
     * absent, blank, or any line is unsafe (then none of it is believed).
     */
    static String joined(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null || !allSafe(values)) {
            return null;
        }
        String joined = values.size() == 1 ? values.getFirst().trim() : String.join(", ", values).trim();
        return joined.isEmpty() ? null : joined;
    }
}
