package org.dysonmonitor.tls;

/** Text or bytes that are not the PEM or DER structure expected; the message says which part is wrong. */
public final class TlsFormatException extends Exception {

    public TlsFormatException(String message) {
        super(message);
    }
}
