package org.dysonmonitor.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * SSLContexts from in-memory credentials, with the JDK's KeyManagerFactory and TrustManagerFactory:
 * the server's (key and chain), and a client's that trusts exactly the CAs it is given. Engines speak
 * TLS 1.3 and 1.2 only (RFC 8996 deprecates 1.0 and 1.1).
 */
public final class TlsContexts {

    /** The protocols every engine made here enables, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final char[] IN_MEMORY = new char[0]; // the key store never leaves the process

    private TlsContexts() {
    }

    public static SSLContext server(ServerCredentials credentials) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        store.setKeyEntry("server", credentials.key(), IN_MEMORY, credentials.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, IN_MEMORY);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A client context that trusts only {@code authorities} (not the JDK's default CAs). */
    public static SSLContext trusting(List<X509Certificate> authorities) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        for (int i = 0; i < authorities.size(); i++) {
            store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A server-side engine of {@code context} restricted to {@link #PROTOCOLS}. */
    public static SSLEngine serverEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(restricted(context));
        return engine;
    }

    /** The context's default parameters with only {@link #PROTOCOLS} enabled. */
    public static SSLParameters restricted(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        return parameters;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("an empty key store cannot be made", e);
        }
        return store;
    }
}
