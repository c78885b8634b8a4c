package org.dysonmonitor.tls;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One node of {@code certs --node NAME[,SAN...]}: its name (the files' name and its certificate's OU)
 * and the names its certificate is valid for: the node name itself (a DNS name or an IP address), then each SAN.
 *
 * @param name     the node's name
 * @param altNames DNS names and IP addresses
 */
public record NodeRequest(String name, SubjectAltNames altNames) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");

    /** Parses {@code NAME[,SAN...]}; an unusable name or SAN is an IllegalArgumentException that says why. */
    public static NodeRequest parse(String value) {
        List<String> parts = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
        String name = parts.get(0);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("node name \"" + name + "\" must be 1 to 63 characters of "
                    + "[A-Za-z0-9.-], starting with a letter or digit (it names the files NAME.crt and NAME.key)");
        }
        if (parts.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("\"" + value + "\" has an empty entry: use NAME,SAN,SAN (no spaces)");
        }
        return new NodeRequest(name, SubjectAltNames.parse(parts));
    }
}
