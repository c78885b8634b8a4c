package org.dysonmonitor.tls;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** X.509 certificates from PEM {@code CERTIFICATE} blocks, parsed by the JDK's CertificateFactory. */
public final class Certificates {

    private Certificates() {
    }

    /** Every CERTIFICATE block of {@code blocks} in order; none is an error. */
    public static List<X509Certificate> fromPem(List<Pem.Block> blocks) throws TlsFormatException {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Pem.Block block : blocks) {
            if (block.label().equals("CERTIFICATE")) {
                certificates.add(fromDer(block.der()));
            } else if (block.label().endsWith("PRIVATE KEY")) {
                throw new TlsFormatException("it holds a private key: give the key with --tls-key, the certificates here");
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsFormatException("no certificate in it (expected PEM blocks CERTIFICATE)");
        }
        return List.copyOf(certificates);
    }

    public static X509Certificate fromDer(byte[] der) throws TlsFormatException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new TlsFormatException("a certificate cannot be read: " + e.getMessage());
        }
    }
}
