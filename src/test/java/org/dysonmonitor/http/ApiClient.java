package org.dysonmonitor.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a user of the monitor's API does, with {@link java.net.http.HttpClient} against a bound server:
 * every call is a real HTTP request. Request timeouts only guard against a hang.
 */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String NPY = "application/octet-stream";
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HANG_GUARD)
            .build();

    /** One answer: status, headers and body text. */
    record Reply(int status, HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return fail("body is not JSON (status " + status + "): " + body);
            }
        }

        /** The text of a JSON {@code {"error": "..."}} body; fails if the body is not one. */
        String error() {
            assertEquals("application/json", headers.firstValue("Content-Type").orElse(""),
                    "content type of an error: " + this);
            JsonNode error = json().get("error");
            assertTrue(error != null && error.isTextual(), "not a JSON error: " + body);
            return error.asText();
        }
    }

    private final String url;
    private final Optional<String> token;

    ApiClient(String url, Optional<String> token) {
        this.url = url;
        this.token = token;
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return url;
    }

    /** The same server with another token (or none). */
    ApiClient withToken(Optional<String> other) {
        return new ApiClient(url, other);
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs {@code body} with Content-Length and the given content type. */
    Reply post(String path, byte[] body, String contentType) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** POSTs {@code body} with chunked transfer encoding: the server cannot know its size up front. */
    Reply postChunked(String path, byte[] body, String contentType) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    /** POSTs a snapshot as .npy to {@code /api/v1/runs/{run}/layers/{layer}/snapshots?{query}}. */
    Reply snapshot(String run, String layer, String query, byte[] npy) {
        return post(snapshotPath(run, layer, query), npy, NPY);
    }

    static String snapshotPath(String run, String layer, String query) {
        return "/api/v1/runs/" + run + "/layers/" + layer + "/snapshots" + (query.isEmpty() ? "" : "?" + query);
    }

    /** The JSON of a GET that must answer 200. */
    JsonNode getJson(String path) {
        Reply reply = get(path);
        assertEquals(200, reply.status(), () -> "GET " + path + ": " + reply);
        return reply.json();
    }

    /** A real scrape of {@code GET /metrics}. */
    Scrape scrape() {
        Reply reply = get("/metrics");
        assertEquals(200, reply.status(), () -> "GET /metrics: " + reply);
        return Scrape.parse(reply.body());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(HANG_GUARD);
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A stream of lines, e.g. Server-Sent Events; the caller closes it. */
    HttpResponse<java.util.stream.Stream<String>> lines(String path) {
        try {
            return HTTP.send(request(path).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
