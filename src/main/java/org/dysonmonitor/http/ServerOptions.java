package org.dysonmonitor.http;

import java.util.Optional;

/**
 * How the HTTP server listens and what it accepts.
 *
 * @param bind    the address to bind (default 127.0.0.1: the API is not exposed unless asked)
 * @param port    the port (0 picks a free one)
 * @param token   when present, {@code /api} requires {@code Authorization: Bearer <token>}
 * @param maxBody the largest snapshot body accepted, in bytes
 */
public record ServerOptions(String bind, int port, Optional<String> token, long maxBody) {

    public static final long DEFAULT_MAX_BODY = 256L * 1024 * 1024;

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxBody < 1) {
            throw new IllegalArgumentException("max body must be positive, got " + maxBody);
        }
        token.ifPresent(t -> {
            if (t.isBlank()) {
                throw new IllegalArgumentException("the token file is empty");
            }
        });
    }
}
