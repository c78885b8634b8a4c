package org.dysonmonitor.http;

import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.tls.OpenSsl;
import org.dysonmonitor.tls.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor over HTTPS with a test CA, scoped tokens and a metrics token, met by real clients: the
 * JDK's HttpClient trusting the CA, one trusting only another CA, a plain-HTTP client, and openssl
 * s_client offering TLS 1.1, 1.2 and 1.3.
 */
class HttpsServerTest {

    private static final String INGEST = "ingest-token-1";
    private static final String READ = "read-token-1";
    private static final String METRICS = "metrics-token-1";
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static TestCa ca;
    private static LiveMonitor live;
    private static HttpServer server;
    private static HttpClient trusting;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir);
        live = LiveMonitor.start("https-test", Map.of());
        Monitor monitor = live.monitor();
        ServerOptions options = new ServerOptions("127.0.0.1", 0, Optional.empty(), 1 << 20)
                .withTokens(AccessTokens.parse("# scoped\ningest " + INGEST + "\nread " + READ + "\n"),
                        AccessTokens.parse(METRICS))
                .withTls(ca.serverContext());
        server = HttpServer.start(monitor, options, LivePage.route());
        trusting = client(ca.clientContext());
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(HANG_GUARD).build();
    }

    private static HttpResponse<String> send(HttpClient client, String method, String path, String token, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(HANG_GUARD)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", ApiClient.NPY);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws IOException {
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.toString());
        return ApiClient.JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void aClientTrustingTheTestCaPostsReadsAndOpensThePage() throws Exception {
        assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
        byte[] npy = NpyFiles.npy(NpyFiles.diagonal(3, 2, 1));
        HttpResponse<String> posted = send(trusting, "POST", ApiClient.snapshotPath("tls-run", "W", "step=1"), INGEST, npy);
        assertEquals(202, posted.statusCode(), posted.body());
        assertEquals(200, send(trusting, "GET", "/api/v1/runs", READ, null).statusCode());
        assertEquals(200, send(trusting, "GET", "/healthz", null, null).statusCode());
        HttpResponse<String> page = send(trusting, "GET", "/", null, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"), "the live page over HTTPS");
    }

    @Test
    void aClientTrustingOnlyAnotherCaFailsTheHandshake() throws Exception {
        HttpClient stranger = client(ca.otherClientContext());
        IOException e = assertThrows(IOException.class, () -> send(stranger, "GET", "/healthz", null, null));
        assertTrue(e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException, e.toString());
        assertTrue(String.valueOf(e.getMessage()).contains("PKIX path"), e.getMessage());
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(HANG_GUARD).build();
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz");
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(uri).timeout(HANG_GUARD).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void opensslConnectsWithTls12And13AndIsRefusedTls11() throws Exception {
        String target = "127.0.0.1:" + server.address().getPort();
        for (String version : new String[] {"-tls1_2", "-tls1_3"}) {
            OpenSsl.Result r = OpenSsl.run(dir, "s_client", "-connect", target, version, "-CAfile", ca.caFile().toString(),
                    "-verify_return_error", "-verify_ip", "127.0.0.1", "-brief");
            assertTrue(r.output().contains("Verification: OK"), version + ":\n" + r.output());
        }
        // SECLEVEL=0 lets openssl itself offer TLS 1.1, so that the refusal is the server's.
        OpenSsl.Result old = OpenSsl.run(dir, "s_client", "-connect", target, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
                "-brief");
        assertTrue(old.exitCode() != 0, old.output());
        assertTrue(old.output().contains("alert protocol version") || old.output().contains("unsupported protocol"),
                old.output());
    }

    @Test
    void aReadTokenReadsButGets403OnPostAndPutAndNoTokenIs401() throws Exception {
        byte[] npy = NpyFiles.npy(NpyFiles.diagonal(3, 2, 1));
        HttpResponse<String> post = send(trusting, "POST", ApiClient.snapshotPath("tls-read", "W", "step=1"), READ, npy);
        assertEquals(403, post.statusCode());
        assertEquals("this token has scope read: it may list and read, not POST; use a token of scope ingest", error(post));
        HttpResponse<String> put = send(trusting, "PUT", "/api/v1/runs/tls-read", READ, "{}".getBytes());
        assertEquals(403, put.statusCode());
        assertEquals(403, send(trusting, "POST", "/api/v1/runs/tls-read/finish", READ, null).statusCode());
        assertEquals(200, send(trusting, "GET", "/api/v1/runs", READ, null).statusCode());
        // The page's EventSource passes its token in the query: a read token may open the stream's route.
        assertEquals(200, send(trusting, "GET", "/api/v1/runs?access_token=" + READ, null, null).statusCode());

        HttpResponse<String> none = send(trusting, "POST", ApiClient.snapshotPath("tls-read", "W", "step=1"), null, npy);
        assertEquals(401, none.statusCode());
        assertEquals("this monitor requires a bearer token: send Authorization: Bearer <token>", error(none));
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), none.headers().toString());
        HttpResponse<String> wrong = send(trusting, "GET", "/api/v1/runs", READ + "x", null);
        assertEquals(401, wrong.statusCode());
        assertEquals("the bearer token is wrong", error(wrong));
        // Nothing of the refused requests reached the run registry.
        assertTrue(!send(trusting, "GET", "/api/v1/runs", READ, null).body().contains("tls-read"));
    }

    @Test
    void metricsRequireTheMetricsTokenAndOnlyIt() throws Exception {
        HttpResponse<String> none = send(trusting, "GET", "/metrics", null, null);
        assertEquals(401, none.statusCode());
        assertEquals("this monitor requires a bearer token for /metrics: send Authorization: Bearer <token>", error(none));
        assertEquals(401, send(trusting, "GET", "/metrics", INGEST, null).statusCode(), "an API token is not a metrics token");
        assertEquals(401, send(trusting, "GET", "/metrics?access_token=" + METRICS, null, null).statusCode(),
                "no query token for /metrics: it would end up in access logs");
        HttpResponse<String> scraped = send(trusting, "GET", "/metrics", METRICS, null);
        assertEquals(200, scraped.statusCode());
        assertTrue(scraped.body().contains("dyson_"), "a real scrape");
    }
}
