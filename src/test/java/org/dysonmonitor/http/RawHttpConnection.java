package org.dysonmonitor.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One keep-alive HTTP/1.1 connection over a plain socket, as a client that reads while it sends
 * (RFC 9112 §9.5 asks a client to watch for an early answer): the body goes out from its own thread,
 * so the test sees exactly what a refused upload gets back and what becomes of the connection, which
 * {@link java.net.http.HttpClient} hides behind its pool.
 */
final class RawHttpConnection implements AutoCloseable {

    /** An answer read off the socket: status, headers (lower-case names) and body text. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    /** What happened to the connection after an answer. */
    enum After { OPEN, CLOSED_CLEANLY, RESET }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000); // a hang guard only
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * Sends the request line and headers at once and the body from another thread in 64 KiB writes
     * (chunked encoding when {@code chunked}); completes with the bytes the server took before it
     * stopped reading (an IOException there is a broken pipe: a refused chunked upload cut short).
     */
    CompletableFuture<Long> send(String method, String path, byte[] body, boolean chunked) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return CompletableFuture.supplyAsync(() -> {
            long sent = 0;
            try {
                for (int off = 0; off < body.length; off += 1 << 16) {
                    int n = Math.min(1 << 16, body.length - off);
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(body, off, n);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    sent += n;
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                return sent;
            }
            return sent;
        });
    }

    /** A request without a body. */
    void get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one answer (status line, headers, a Content-Length or chunked body). */
    Answer read() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("the connection ended before an answer");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(n));
                line();
            }
            line();
        }
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Whether the server closed the connection (a clean EOF or a reset), or it is still open, after {@code waitMillis}. */
    After after(int waitMillis) throws IOException {
        socket.setSoTimeout(waitMillis);
        try {
            int b = in.read();
            if (b == -1) {
                return After.CLOSED_CLEANLY;
            }
            throw new IOException("unexpected byte after the answer: " + b);
        } catch (SocketTimeoutException e) {
            return After.OPEN;
        } catch (java.net.SocketException e) {
            return After.RESET;
        } finally {
            socket.setSoTimeout(30_000);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
