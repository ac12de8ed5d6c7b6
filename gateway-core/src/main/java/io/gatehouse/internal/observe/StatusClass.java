package io.gatehouse.internal.observe;

/**
 * The class of an HTTP status and Micrometer's outcome name for it (as in Micrometer's and Spring's HTTP metrics),
 * so dashboards built for those work on Gatehouse's meters.
 */
enum StatusClass {
    INFORMATIONAL("1xx"),
    SUCCESS("2xx"),
    REDIRECTION("3xx"),
    CLIENT_ERROR("4xx"),
    SERVER_ERROR("5xx"),
    UNKNOWN("unknown");

    private static final StatusClass[] BY_HUNDREDS = {INFORMATIONAL, SUCCESS, REDIRECTION, CLIENT_ERROR, SERVER_ERROR};

    private final String tag;

    StatusClass(String tag) {
        this.tag = tag;
    }

    static StatusClass of(int status) {
        return status >= 100 && status < 600 ? BY_HUNDREDS[status / 100 - 1] : UNKNOWN;
    }

    /** The {@code status} tag value: {@code 2xx}, or {@code unknown}. */
    String tag() {
        return tag;
    }

    /** The {@code outcome} tag value: {@code SUCCESS}, or {@code UNKNOWN}. */
    String outcome() {
        return name();
    }
}
