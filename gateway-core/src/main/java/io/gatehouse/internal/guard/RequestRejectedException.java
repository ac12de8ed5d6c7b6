package io.gatehouse.internal.guard;

import java.io.IOException;

/**
 * A request body was refused part-way ({@code limits.maxBody} passed, its chunked framing broke, or its trailers
 * were too large). Thrown to the handler reading the body, which should answer {@link #status()} if its response
 * has not started, and must not forward what it holds of the body as a complete request.
 */
public final class RequestRejectedException extends IOException {

    /** The status the client is to get. */
    private final int status;

    RequestRejectedException(Rejection rejection) {
        super(rejection.reason());
        this.status = rejection.status();
    }

    /**
     * The status for the client.
     *
     * @return 400 (broken chunked framing), 413 (body over {@code limits.maxBody}) or 431 (trailer section over
     *         {@code limits.maxHeaderBytes})
     */
    public int status() {
        return status;
    }

    /**
     * The status {@code failure} asks for: lets a handler's read-error callback tell a refused body from a client
     * that went away. Public for the proxy, which answers or closes accordingly.
     *
     * @param failure what reading a request body failed with
     * @return the status to answer, or 0 when it is not a rejection (the client simply went away)
     */
    public static int statusOf(Throwable failure) {
        return failure instanceof RequestRejectedException rejected ? rejected.status() : 0;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // An expected condition, reported by status and one log line: a stack trace would only cost.
        return this;
    }
}
