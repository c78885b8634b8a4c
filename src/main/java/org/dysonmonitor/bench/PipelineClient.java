package org.dysonmonitor.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The pipeline benchmark's client: one keep-alive HTTP/1.1 connection on a plain blocking socket,
 * writing each POST as one request head and body, reading the answer's status line, headers and
 * Content-Length body; a training job's {@code http.client} does no more. The JDK's
 * {@code java.net.http.HttpClient}, run in the benchmark's own JVM, spent about as much CPU per
 * request as the monitor's route (its selector thread, its executor, its reactive body
 * publishers), so the benchmark measured its clients as much as the monitor; this client's cost
 * is measured ({@link #cpuNanos}) and printed beside the monitor's. Not thread-safe: one per
 * client thread.
 */
final class PipelineClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private final byte[] line = new byte[8192];

    PipelineClient(InetSocketAddress server) {
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(server, 10_000);
            socket.setSoTimeout(120_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            host = server.getHostString() + ":" + server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * POSTs {@code body} to {@code path} and returns the status; a 503 (policy all, a queue full, or
     * the in-flight budget) is sent again after 100 ms, as a client should. A status of 300 or more
     * other than 404 fails the benchmark with the answer's body.
     */
    int post(String path, byte[] body) {
        try {
            while (true) {
                byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                out.write(head);
                out.write(body);
                out.flush();
                int status = status(readLine());
                byte[] answer = readAnswerBody();
                if (status == 503) {
                    Thread.sleep(100);
                    continue;
                }
                if (status >= 300 && status != 404) {
                    throw new IllegalStateException("benchmark request " + path + " failed: " + status + " "
                            + new String(answer, StandardCharsets.UTF_8));
                }
                return status;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The headers after the status line, then exactly Content-Length bytes (the monitor always sends it). */
    private byte[] readAnswerBody() throws IOException {
        long length = -1;
        String header;
        while (!(header = readLine()).isEmpty()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.regionMatches(true, 0, "Content-Length", 0, colon)) {
                length = Long.parseLong(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("the answer has no Content-Length");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("the connection closed within an answer");
        }
        return body;
    }

    private static int status(String statusLine) throws IOException {
        // HTTP/1.1 202 Accepted
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    private String readLine() throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the connection closed within an answer");
            }
            if (n == line.length) {
                throw new IOException("answer header line over " + line.length + " bytes");
            }
            line[n++] = (byte) b;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** CPU time of the calling thread so far (nanoseconds): a client thread reads its own. */
    static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // the benchmark is over with this connection either way
        }
    }
}
