package io.gatehouse.internal.guard;

/**
 * Why a request is refused: the status the client gets and a short reason for the log, fixed per rule (the refusal
 * log counts repeats by it, so nothing the client sent goes into it). A connection's {@link ConnectionGuard} gives it
 * as its verdict on a request, which {@link RefusedRequests} answers.
 */
record Rejection(int status, String reason) {

    static Rejection of(int status, String reason) {
        return new Rejection(status, reason);
    }
}
