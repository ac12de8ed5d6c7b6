package io.gatehouse.internal.guard;

import java.io.IOException;

/**
 * A request body was refused part-way ({@code limits.maxBody} passed, or its chunked framing broke). Thrown to the
 * handler reading the body, which should answer {@link #status()} if its response has not started, and must not
 * forward what it holds of the body as a complete request.
 */
public final class RequestRejectedException extends IOException {

    private final int status;

    RequestRejectedException(Rejection rejection) {
        super(rejection.reason());
        this.status = rejection.status();
    }

    /** The status for the client: 400 or 413. */
    public int status() {
        return status;
    }

    /** The status {@code failure} asks for, or 0 when it is not a rejection (the client simply went away). */
    public static int statusOf(Throwable failure) {
        return failure instanceof RequestRejectedException rejected ? rejected.status() : 0;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // An expected condition, reported by status and one log line: a stack trace would only cost.
        return this;
    }
}
