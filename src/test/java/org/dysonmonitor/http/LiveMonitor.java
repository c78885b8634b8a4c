package org.dysonmonitor.http;

import akka.http.javadsl.server.AllDirectives;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.monitor.Monitor;

import java.util.Map;
import java.util.Optional;

/**
 * A real monitor (actor system, registry, Prometheus registry) for HTTP tests, with as many real
 * servers bound to 127.0.0.1 on free ports as a test needs. Servers of one monitor share its runs and
 * its metrics, so a test can see on one {@code /metrics} what another server refused.
 */
final class LiveMonitor implements AutoCloseable {

    /** The static route of the tests: nothing (the live page is not under test here). */
    private static final akka.http.javadsl.server.Route NO_STATIC_CONTENT = new AllDirectives() { }.reject();

    private final Monitor monitor;

    private LiveMonitor(Monitor monitor) {
        this.monitor = monitor;
    }

    /** A monitor with application.conf and {@code overrides} (keys such as {@code dyson.max-runs}) on top. */
    static LiveMonitor start(String name, Map<String, Object> overrides) {
        return new LiveMonitor(Monitor.start(name,
                ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load())));
    }

    /** Binds a server without a token that accepts bodies up to {@code maxBody} bytes. */
    ApiClient serve(long maxBody) {
        return serve(Optional.empty(), maxBody);
    }

    /** Binds a server; the client it returns sends {@code token}, if any. */
    ApiClient serve(Optional<String> token, long maxBody) {
        HttpServer server = HttpServer.start(monitor,
                new ServerOptions("127.0.0.1", 0, token, maxBody), NO_STATIC_CONTENT);
        return new ApiClient(server.url(), token);
    }

    Monitor monitor() {
        return monitor;
    }

    @Override
    public void close() {
        monitor.close();
    }
}
