package org.dysonmonitor.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names a certificate is valid for (RFC 5280 §4.2.1.6): DNS names and IP addresses, which clients
 * match against the host they connect to (RFC 6125; an IP address only ever matches an iPAddress entry).
 *
 * @param dnsNames    host names, lower case, in the order given
 * @param ipAddresses IPv4 and IPv6 addresses
 */
public record SubjectAltNames(List<String> dnsNames, List<InetAddress> ipAddresses) {

    /** RFC 1123 labels; a leading {@code *.} for a wildcard of one label. */
    private static final Pattern DNS = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public SubjectAltNames {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    /** Each entry an IP literal (IPv4 dotted or IPv6 with colons) or a DNS name; duplicates dropped. */
    public static SubjectAltNames parse(List<String> entries) {
        LinkedHashSet<String> dns = new LinkedHashSet<>();
        LinkedHashSet<InetAddress> ips = new LinkedHashSet<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (IPV4.matcher(entry).matches() || entry.contains(":")) {
                ips.add(ipLiteral(entry));
            } else {
                String name = entry.toLowerCase(java.util.Locale.ROOT);
                if (name.length() > 253 || !DNS.matcher(name).matches()) {
                    throw new IllegalArgumentException("\"" + raw + "\" is neither an IP address nor a DNS name");
                }
                dns.add(name);
            }
        }
        return new SubjectAltNames(new ArrayList<>(dns), new ArrayList<>(ips));
    }

    /** A literal address; InetAddress parses literals without a lookup, and a bad one is an error. */
    private static InetAddress ipLiteral(String entry) {
        String literal = entry.startsWith("[") && entry.endsWith("]") ? entry.substring(1, entry.length() - 1) : entry;
        if (IPV4.matcher(literal).matches()) {
            for (String part : literal.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("\"" + entry + "\" is not an IPv4 address");
                }
            }
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + entry + "\" is not an IP address");
        }
    }

    /** The extension value: GeneralNames, dNSName [2] IA5String and iPAddress [7] OCTET STRING. */
    byte[] encode() {
        List<byte[]> names = new ArrayList<>();
        for (String d : dnsNames) {
            names.add(Der.implicitPrimitive(2, d.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        for (InetAddress ip : ipAddresses) {
            names.add(Der.implicitPrimitive(7, ip.getAddress()));
        }
        return Der.sequence(names.toArray(byte[][]::new));
    }

    public boolean isEmpty() {
        return dnsNames.isEmpty() && ipAddresses.isEmpty();
    }
}
