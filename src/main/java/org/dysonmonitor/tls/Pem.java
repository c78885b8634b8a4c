package org.dysonmonitor.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM, the textual encoding of RFC 7468: {@code -----BEGIN LABEL-----}, base64 of the DER bytes,
 * {@code -----END LABEL-----}. Text between blocks (the comments {@code openssl x509 -text} writes) is
 * ignored; a block without its end, a mismatched end label or bad base64 is an error.
 */
public final class Pem {

    /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and the DER bytes. */
    public record Block(String label, byte[] der) {
    }

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final Pattern END = Pattern.compile("-----END ([A-Z0-9 ]+)-----");
    private static final int LINE = 64;

    private Pem() {
    }

    /** Every block of {@code text}, in order; none is an error (the file is probably DER or not a key at all). */
    public static List<Block> parse(String text) throws TlsFormatException {
        List<Block> blocks = new ArrayList<>();
        Matcher begin = BEGIN.matcher(text);
        int from = 0;
        while (begin.find(from)) {
            String label = begin.group(1);
            Matcher end = END.matcher(text);
            if (!end.find(begin.end())) {
                throw new TlsFormatException("the PEM block \"" + label + "\" has no -----END " + label + "----- line");
            }
            if (!end.group(1).equals(label)) {
                throw new TlsFormatException("the PEM block \"" + label + "\" ends with -----END " + end.group(1) + "-----");
            }
            String body = text.substring(begin.end(), end.start());
            if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
                throw new TlsFormatException("the PEM block \"" + label + "\" is encrypted (Proc-Type/DEK-Info); "
                        + "decrypt it first: openssl pkey -in FILE -out FILE.plain");
            }
            try {
                blocks.add(new Block(label, Base64.getDecoder().decode(body.replaceAll("\\s", ""))));
            } catch (IllegalArgumentException e) {
                throw new TlsFormatException("the PEM block \"" + label + "\" is not valid base64: " + e.getMessage());
            }
            from = end.end();
        }
        if (blocks.isEmpty()) {
            throw new TlsFormatException("no PEM block (-----BEGIN ...-----) found: the file must be PEM, not DER");
        }
        return blocks;
    }

    /** One block as PEM text, base64 in lines of 64 characters (RFC 7468 §2). */
    public static String encode(String label, byte[] der) {
        String base64 = Base64.getEncoder().encodeToString(der);
        StringBuilder out = new StringBuilder("-----BEGIN ").append(label).append("-----\n");
        for (int i = 0; i < base64.length(); i += LINE) {
            out.append(base64, i, Math.min(base64.length(), i + LINE)).append('\n');
        }
        return out.append("-----END ").append(label).append("-----\n").toString();
    }
}
