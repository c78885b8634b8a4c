package org.dysonmonitor.cli;

import org.dysonmonitor.http.AccessTokens;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.tls.CredentialsException;
import org.dysonmonitor.tls.ServerCredentials;
import org.dysonmonitor.tls.TlsContexts;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;

/** HTTPS and the {@code /metrics} token of {@code serve} and {@code demo}; checked before anything starts (exit 2). */
final class SecurityOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain, the server's certificate first (certbot's fullchain.pem); with --tls-key "
                    + "the API, /metrics and the live page are served over HTTPS only (TLS 1.2 and 1.3).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM private key of --tls-cert: PKCS#8 (PRIVATE KEY), PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY), unencrypted.")
    Path tlsKey;

    @Option(names = "--metrics-token", paramLabel = "FILE",
            description = "File of bearer tokens (one a line) that /metrics requires (Prometheus: authorization.credentials_file).")
    Path metricsToken;

    /** {@code base} with HTTPS and the metrics tokens these options ask for; a bad file is a usage error. */
    ServerOptions apply(CommandLine cmd, ServerOptions base) {
        ServerOptions options = base.withTokens(base.tokens(),
                metricsToken == null ? AccessTokens.none() : tokens(cmd, "--metrics-token", metricsToken));
        MonitorOptions.require(cmd, (tlsCert == null) == (tlsKey == null), "--tls-cert and --tls-key go together: give both");
        if (tlsCert == null) {
            return options;
        }
        try {
            ServerCredentials credentials = ServerCredentials.load(tlsCert, tlsKey, Instant.now());
            return options.withTls(TlsContexts.server(credentials));
        } catch (CredentialsException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new CommandLine.ParameterException(cmd, "--tls-cert " + tlsCert + " and --tls-key " + tlsKey
                    + " cannot make a TLS server: " + e.getMessage());
        }
    }

    /** A token file's entries; unreadable, empty or malformed is a usage error that never shows a token. */
    static AccessTokens tokens(CommandLine cmd, String option, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cmd, "cannot read " + option + " " + file + ": " + e.getMessage());
        }
        MonitorOptions.require(cmd, !text.isBlank(), option + " " + file + " is empty");
        try {
            return AccessTokens.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, option + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * What an exposed monitor lacks, on stderr at start: on an address other than loopback, plain HTTP
     * sends tokens and weights readable by anyone on the path, and no token lets anyone post.
     */
    static void warnIfExposed(PrintWriter err, ServerOptions options) {
        if (isLoopback(options.bind())) {
            return;
        }
        if (options.tls().isEmpty()) {
            err.println("WARNING: listening on " + options.bind() + " without TLS: tokens and snapshots cross the network "
                    + "in clear text; give --tls-cert and --tls-key (dyson-monitor certs makes a test CA)");
        }
        if (!options.tokens().required()) {
            err.println("WARNING: listening on " + options.bind() + " without a token: anyone who reaches the port can "
                    + "post snapshots and read every run; give --token-file");
        }
        err.flush();
    }

    private static boolean isLoopback(String bind) {
        if (bind.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // A literal or a name resolved once at start; an unresolvable name fails to bind anyway.
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
