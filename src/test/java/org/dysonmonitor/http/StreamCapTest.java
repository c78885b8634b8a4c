package org.dysonmonitor.http;

import org.dysonmonitor.monitor.ReportBus;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live stream takes at most {@link ReportBus#MAX_SUBSCRIBERS} subscribers; one more is 503 until one leaves. */
class StreamCapTest {

    @Test
    void oneSubscriberOverTheCapIs503UntilAnotherLeaves() throws Exception {
        try (LiveMonitor live = LiveMonitor.start("stream-cap", Map.of())) {
            ApiClient api = live.serve(1 << 20);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<HttpResponse<InputStream>> open = new ArrayList<>();
            for (int i = 0; i < ReportBus.MAX_SUBSCRIBERS; i++) {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/stream"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                open.add(r);
            }
            ApiClient.Reply over = api.get("/api/v1/stream");
            assertEquals(503, over.status(), over::toString);
            assertEquals("the live stream already has 64 subscribers: retry after 10 s", over.error());
            assertEquals("10", over.headers().firstValue("Retry-After").orElse(""));
            assertEquals(64, api.scrape().value("dyson_report_bus_subscribers", Map.of()));

            open.remove(0).body().close();
            Eventually.until("a slot freed", () -> api.scrape().value("dyson_report_bus_subscribers", Map.of()),
                    n -> n == 63);
            HttpResponse<InputStream> again = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/stream"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, again.statusCode());
            again.body().close();
            for (HttpResponse<InputStream> r : open) {
                r.body().close();
            }
            assertTrue(api.get("/healthz").status() == 200);
        }
    }
}
