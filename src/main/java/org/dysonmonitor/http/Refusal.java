package org.dysonmonitor.http;

import akka.Done;

import java.util.concurrent.CompletionStage;

/**
 * A request refused on its way through a route's steps: the HTTP status, the rejection reason (the
 * {@code reason} label of {@code dyson_snapshots_rejected_total}) and the message for the client.
 * Thrown along a route's chain of stages, so that the steps read in order and one place
 * ({@link Responses#failure}) answers every refusal. Already counted when it is thrown.
 */
final class Refusal extends RuntimeException {

    private final int status;
    private final String reason;
    private final CompletionStage<Done> unreadBody;

    Refusal(int status, String reason, String message) {
        this(status, reason, message, null);
    }

    private Refusal(int status, String reason, String message, CompletionStage<Done> unreadBody) {
        super(message, null, false, false); // an answer, not a bug: no stack trace
        this.status = status;
        this.reason = reason;
        this.unreadBody = unreadBody;
    }

    /** This refusal, answered while its body, unread, is still being dropped: done when that ends. */
    Refusal whileDropping(CompletionStage<Done> unreadBody) {
        return new Refusal(status, reason, getMessage(), unreadBody);
    }

    /** Done when the request's unread body has been dropped; null when the body was read. */
    CompletionStage<Done> unreadBody() {
        return unreadBody;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
