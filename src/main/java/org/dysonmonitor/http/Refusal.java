package org.dysonmonitor.http;

/**
 * A request refused on its way through a route's steps: the HTTP status, the rejection reason (the
 * {@code reason} label of {@code dyson_snapshots_rejected_total}) and the message for the client.
 * Thrown along a route's chain of stages, so that the steps read in order and one place
 * ({@link Responses#failure}) answers every refusal. Already counted when it is thrown.
 */
final class Refusal extends RuntimeException {

    private final int status;
    private final String reason;

    Refusal(int status, String reason, String message) {
        super(message, null, false, false); // an answer, not a bug: no stack trace
        this.status = status;
        this.reason = reason;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
