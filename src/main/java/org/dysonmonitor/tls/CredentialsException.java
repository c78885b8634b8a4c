package org.dysonmonitor.tls;

/** A certificate or key file that cannot serve TLS; the message names the file and says what to do. */
public final class CredentialsException extends Exception {

    public CredentialsException(String message) {
        super(message);
    }
}
