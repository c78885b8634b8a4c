package org.dysonmonitor.http;

import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bearer tokens (RFC 6750) in front of a route: no or an unknown token is 401 with a challenge; a read
 * token on a request that changes something (any method but GET and HEAD) is 403. The token comes from
 * {@code Authorization: Bearer} or, for a browser's EventSource that cannot send headers, from
 * {@code ?access_token=} (RFC 6750 §2.3).
 */
final class BearerAuthentication extends AllDirectives {

    private static final String PREFIX = "Bearer ";

    private final AccessTokens tokens;
    private final String realm;
    private final boolean queryAllowed;

    /**
     * @param realm        named in the challenge and the messages ({@code --token-file}, {@code --metrics-token})
     * @param queryAllowed whether {@code ?access_token=} is accepted (the live page's API calls; not /metrics)
     */
    BearerAuthentication(AccessTokens tokens, String realm, boolean queryAllowed) {
        this.tokens = tokens;
        this.realm = realm;
        this.queryAllowed = queryAllowed;
    }

    Route authorized(Supplier<Route> inner) {
        if (!tokens.required()) {
            return inner.get();
        }
        return extractMethod(method -> optionalHeaderValueByName("Authorization", header ->
                parameterOptional("access_token", query -> {
                    Optional<String> token = header.filter(h -> h.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
                            .map(h -> h.substring(PREFIX.length()).strip())
                            .or(() -> queryAllowed ? query : Optional.empty());
                    Optional<AccessTokens.Scope> scope = token.flatMap(tokens::scopeOf);
                    if (scope.isEmpty()) {
                        return respondWithHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "dyson-monitor")), () ->
                                Responses.error(StatusCodes.UNAUTHORIZED, token.isEmpty() && header.isEmpty()
                                        ? "this monitor requires a bearer token" + (realm.isEmpty() ? "" : " for " + realm)
                                        + ": send Authorization: Bearer <token>"
                                        : "the bearer token is wrong"));
                    }
                    boolean reading = method.equals(HttpMethods.GET) || method.equals(HttpMethods.HEAD);
                    AccessTokens.Scope needed = reading ? AccessTokens.Scope.READ : AccessTokens.Scope.INGEST;
                    if (!scope.get().allows(needed)) {
                        return Responses.error(StatusCodes.FORBIDDEN, "this token has scope read: it may list and read, "
                                + "not " + method.name() + "; use a token of scope ingest");
                    }
                    return inner.get();
                })));
    }
}
