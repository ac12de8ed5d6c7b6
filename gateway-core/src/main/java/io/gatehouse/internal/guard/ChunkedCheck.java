package io.gatehouse.internal.guard;

import io.gatehouse.internal.http.HttpSyntax;

/**
 * Follows a chunked request body byte by byte (RFC 9112 section 7.1) and refuses anything but the strict grammar:
 * chunk sizes of 1 to 16 hex digits with nothing before them, extensions as {@code ;name[=token|quoted-string]}
 * with optional whitespace around the separators, CRLF after every size line and every chunk's data, trailer
 * fields as header fields, the trailer section at most {@code maxTrailerBytes}. Data bytes are not inspected; the
 * caller skips over {@link #dataRemaining()} of them.
 */
final class ChunkedCheck {

    private static final int MAX_SIZE_DIGITS = 16;
    private static final int MAX_SIZE_LINE = 4096;

    private enum State {
        SIZE_START, SIZE, SIZE_SPACE, EXT_START, EXT_NAME, EXT_AFTER_NAME, EXT_VALUE_START, EXT_TOKEN, EXT_QUOTED,
        EXT_QUOTED_PAIR, EXT_AFTER_VALUE, SIZE_LF, DATA, DATA_CR, DATA_LF,
        TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, END_LF, DONE
    }

    private final long maxBody;
    private final int maxTrailerBytes;
    /** Data bytes declared by the chunks before the current one. */
    private long declared;
    private State state = State.SIZE_START;
    private long size;
    private int digits;
    private int lineBytes;
    private int trailerBytes;
    private long dataRemaining;

    /**
     * @param maxBody         the most data bytes all chunks together may declare; a size digit that would pass it
     *                        is refused with 413, before any parser downstream learns that size
     * @param maxTrailerBytes the largest trailer section; beyond it, 431
     */
    ChunkedCheck(long maxBody, int maxTrailerBytes) {
        this.maxBody = maxBody;
        this.maxTrailerBytes = maxTrailerBytes;
    }

    /** How many data bytes may pass before the next framing byte; 0 outside chunk data. */
    long dataRemaining() {
        return dataRemaining;
    }

    /** Counts {@code n} data bytes as passed, at most {@link #dataRemaining()}. */
    void skipData(long n) {
        dataRemaining -= n;
        if (dataRemaining == 0) {
            state = State.DATA_CR;
        }
    }

    /** True once the last chunk and the trailer section ended: the next byte belongs to the next request. */
    boolean done() {
        return state == State.DONE;
    }

    /**
     * Takes one framing byte.
     *
     * @return null when it fits, else why the body is refused
     */
    Rejection accept(byte b) {
        if (state.ordinal() < State.SIZE_LF.ordinal() && ++lineBytes > MAX_SIZE_LINE) {
            return bad("chunk size line longer than " + MAX_SIZE_LINE + " bytes");
        }
        if (state.ordinal() >= State.TRAILER_START.ordinal() && ++trailerBytes > maxTrailerBytes) {
            return Rejection.of(431, "trailer section larger than limits.maxHeaderBytes");
        }
        if (state.ordinal() >= State.TRAILER_START.ordinal() && declared + trailerBytes > maxBody) {
            // Undertow counts trailer bytes against the body limit too; refuse before it would.
            return Rejection.of(413, "chunked body and trailers exceed limits.maxBody " + maxBody);
        }
        switch (state) {
            case SIZE_START, SIZE -> {
                int hex = HttpSyntax.hexValue(b);
                if (hex >= 0) {
                    if (++digits > MAX_SIZE_DIGITS) {
                        return bad("chunk size of more than " + MAX_SIZE_DIGITS + " hex digits");
                    }
                    size = (size << 4) | hex;
                    if (size > maxBody - declared) {
                        return Rejection.of(413, "chunked body exceeds limits.maxBody " + maxBody);
                    }
                    state = State.SIZE;
                    return null;
                }
                if (state == State.SIZE_START) {
                    return bad("chunk size does not start with a hex digit");
                }
                return afterSize(b);
            }
            case SIZE_SPACE -> {
                return HttpSyntax.whitespace(b) ? null : b == ';' ? to(State.EXT_START) : bad("junk after chunk size");
            }
            case EXT_START -> {
                return HttpSyntax.whitespace(b) ? null : HttpSyntax.tchar(b) ? to(State.EXT_NAME) : bad("malformed chunk extension");
            }
            case EXT_NAME -> {
                if (HttpSyntax.tchar(b)) {
                    return null;
                }
                return HttpSyntax.whitespace(b) ? to(State.EXT_AFTER_NAME) : b == '=' ? to(State.EXT_VALUE_START) : endOfExtension(b);
            }
            case EXT_AFTER_NAME -> {
                return HttpSyntax.whitespace(b) ? null : b == '=' ? to(State.EXT_VALUE_START) : endOfExtension(b);
            }
            case EXT_VALUE_START -> {
                if (HttpSyntax.whitespace(b)) {
                    return null;
                }
                return b == '"' ? to(State.EXT_QUOTED) : HttpSyntax.tchar(b) ? to(State.EXT_TOKEN) : bad("malformed chunk extension value");
            }
            case EXT_TOKEN -> {
                return HttpSyntax.tchar(b) ? null : HttpSyntax.whitespace(b) ? to(State.EXT_AFTER_VALUE) : endOfExtension(b);
            }
            case EXT_QUOTED -> {
                return b == '"' ? to(State.EXT_AFTER_VALUE) : b == '\\' ? to(State.EXT_QUOTED_PAIR)
                        : HttpSyntax.qdtext(b) ? null : bad("control character in chunk extension");
            }
            case EXT_QUOTED_PAIR -> {
                return HttpSyntax.fieldValue(b) ? to(State.EXT_QUOTED) : bad("control character in chunk extension");
            }
            case EXT_AFTER_VALUE -> {
                return HttpSyntax.whitespace(b) ? null : endOfExtension(b);
            }
            case SIZE_LF -> {
                if (b != '\n') {
                    return bad("bare CR in chunk size line");
                }
                lineBytes = 0;
                digits = 0;
                if (size == 0) {
                    return to(State.TRAILER_START);
                }
                declared += size;
                dataRemaining = size;
                size = 0;
                return to(State.DATA);
            }
            case DATA_CR -> {
                return b == '\r' ? to(State.DATA_LF) : bad("chunk data not followed by CRLF");
            }
            case DATA_LF -> {
                return b == '\n' ? to(State.SIZE_START) : bad("chunk data not followed by CRLF");
            }
            case TRAILER_START -> {
                return b == '\r' ? to(State.END_LF) : HttpSyntax.tchar(b) ? to(State.TRAILER_NAME) : bad("malformed trailer field");
            }
            case TRAILER_NAME -> {
                return HttpSyntax.tchar(b) ? null : b == ':' ? to(State.TRAILER_VALUE) : bad("malformed trailer field name");
            }
            case TRAILER_VALUE -> {
                return b == '\r' ? to(State.TRAILER_LF) : HttpSyntax.fieldValue(b) ? null : bad("control character in trailer field");
            }
            case TRAILER_LF -> {
                return b == '\n' ? to(State.TRAILER_START) : bad("bare CR in trailer section");
            }
            case END_LF -> {
                return b == '\n' ? to(State.DONE) : bad("bare CR after the last chunk");
            }
            default -> {
                return bad("byte outside the chunked framing");
            }
        }
    }

    private Rejection afterSize(byte b) {
        if (HttpSyntax.whitespace(b)) {
            return to(State.SIZE_SPACE);
        }
        return b == ';' ? to(State.EXT_START) : b == '\r' ? to(State.SIZE_LF) : bad("chunk size is not plain hex");
    }

    private Rejection endOfExtension(byte b) {
        return b == ';' ? to(State.EXT_START) : b == '\r' ? to(State.SIZE_LF) : bad("malformed chunk extension");
    }

    private Rejection to(State next) {
        state = next;
        return null;
    }

    private static Rejection bad(String reason) {
        return Rejection.of(400, reason);
    }
}
