package org.dysonmonitor.cli;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;

/** The page at {@code /}: links to what the monitor serves. */
final class LandingPage extends AllDirectives {

    private static final String HTML = """
            <!doctype html><html><head><meta charset="utf-8"><title>dyson-monitor</title></head>
            <body style="font-family: sans-serif; max-width: 48em; margin: 2em auto">
            <h1>dyson-monitor</h1>
            <p>Live spectra of weight matrices as a Dyson Brownian motion.</p>
            <ul>
            <li><a href="/api/v1/runs">/api/v1/runs</a>: runs, layers and their accounting (JSON)</li>
            <li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
            <li><a href="/api/v1/stream">/api/v1/stream</a>: live layer reports (Server-Sent Events)</li>
            </ul></body></html>
            """;

    static Route route() {
        return new LandingPage().page();
    }

    private Route page() {
        return pathSingleSlash(() -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, HTML))));
    }
}
