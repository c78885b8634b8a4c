package org.dysonmonitor.http;

import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.monitor.Monitor;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Binds the monitor's routes; the binding is released by CoordinatedShutdown. */
public final class HttpServer {

    private final ServerBinding binding;

    private HttpServer(ServerBinding binding) {
        this.binding = binding;
    }

    public static HttpServer start(Monitor monitor, ServerOptions options, Route staticContent) {
        Json.warmUp(); // before the first client: see there
        Route routes = new HttpApi(monitor, options, staticContent).routes();
        ServerBinding binding = Http.get(monitor.system())
                .newServerAt(options.bind(), options.port())
                .bind(routes)
                .toCompletableFuture()
                .join();
        binding.addToCoordinatedShutdown(Duration.ofSeconds(5), monitor.system());
        return new HttpServer(binding);
    }

    public InetSocketAddress address() {
        return binding.localAddress();
    }

    /** The base URL, e.g. http://127.0.0.1:8080 */
    public String url() {
        InetSocketAddress a = address();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }
}
