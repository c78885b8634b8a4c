package org.dysonmonitor.http;

import javax.net.ssl.SSLContext;
import java.util.Optional;

/**
 * How the HTTP server listens and what it accepts.
 *
 * @param bind          the address to bind (default 127.0.0.1: the API is not exposed unless asked)
 * @param port          the port (0 picks a free one)
 * @param tokens        the API's bearer tokens and their scopes; none: the API is open
 * @param metricsTokens the tokens {@code /metrics} requires; none: it is open
 * @param tls           when present, the server speaks HTTPS only (TLS 1.2 and 1.3) with this context
 * @param maxBody       the largest snapshot body accepted, in bytes
 */
public record ServerOptions(String bind, int port, AccessTokens tokens, AccessTokens metricsTokens,
                            Optional<SSLContext> tls, long maxBody) {

    public static final long DEFAULT_MAX_BODY = 256L * 1024 * 1024;

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxBody < 1) {
            throw new IllegalArgumentException("max body must be positive, got " + maxBody);
        }
    }

    /**
     * Plain HTTP, an open {@code /metrics}, and at most one API token with full access.
     *
     * @param token when present, {@code /api} requires {@code Authorization: Bearer <token>}
     */
    public ServerOptions(String bind, int port, Optional<String> token, long maxBody) {
        this(bind, port, token.map(ServerOptions::singleToken).orElseGet(AccessTokens::none), AccessTokens.none(),
                Optional.empty(), maxBody);
    }

    private static AccessTokens singleToken(String token) {
        if (token.isBlank()) {
            throw new IllegalArgumentException("the token file is empty");
        }
        return AccessTokens.single(token);
    }

    /** These options served over HTTPS with {@code context}. */
    public ServerOptions withTls(SSLContext context) {
        return new ServerOptions(bind, port, tokens, metricsTokens, Optional.of(context), maxBody);
    }

    /** These options with other API tokens and {@code /metrics} tokens. */
    public ServerOptions withTokens(AccessTokens api, AccessTokens metrics) {
        return new ServerOptions(bind, port, api, metrics, tls, maxBody);
    }
}
