package org.dysonmonitor.http;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.tls.TlsContexts;

import javax.net.ssl.SSLContext;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Binds the monitor's routes, over HTTPS when the options carry a TLS context; the binding is released by CoordinatedShutdown. */
public final class HttpServer {

    private final ServerBinding binding;
    private final String scheme;

    private HttpServer(ServerBinding binding, String scheme) {
        this.binding = binding;
        this.scheme = scheme;
    }

    public static HttpServer start(Monitor monitor, ServerOptions options, Route staticContent) {
        Json.warmUp(); // before the first client: see there
        Route routes = new HttpApi(monitor, options, staticContent).routes();
        ServerBuilder builder = Http.get(monitor.system()).newServerAt(options.bind(), options.port());
        if (options.tls().isPresent()) {
            SSLContext context = options.tls().get();
            builder = builder.enableHttps(ConnectionContext.httpsServer(() -> TlsContexts.serverEngine(context)));
        }
        ServerBinding binding = builder
                .bind(routes)
                .toCompletableFuture()
                .join();
        binding.addToCoordinatedShutdown(Duration.ofSeconds(5), monitor.system());
        return new HttpServer(binding, options.tls().isPresent() ? "https" : "http");
    }

    public InetSocketAddress address() {
        return binding.localAddress();
    }

    /** The base URL, e.g. http://127.0.0.1:8080, or https://... when the server speaks TLS. */
    public String url() {
        InetSocketAddress a = address();
        return scheme + "://" + a.getHostString() + ":" + a.getPort();
    }
}
