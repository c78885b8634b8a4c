package org.dysonmonitor.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bearer tokens of the API and what each may do. A token file holds one entry a line:
 * <pre>
 *   # comments and blank lines are ignored
 *   ingest 9f2c...   # post snapshots, PUT runs, finish runs, and everything read may do
 *   read   4be1...   # listings, reports, history, the stream (the live page's data)
 * </pre>
 * A line that is a token alone (the original single-token file) has scope ingest: full access.
 *
 * <p>Only SHA-256 digests of the tokens are kept. A presented token is hashed and compared with every
 * digest by {@link MessageDigest#isEqual} (constant time for equal lengths, and digests are all 32
 * bytes), without stopping at a match, so neither timing nor which entry matched tells anything about
 * a token. Tokens are never logged; parse errors name the line, never its contents.
 */
public final class AccessTokens {

    /** What a token may do. */
    public enum Scope {
        /** GET and HEAD on the API. */
        READ,
        /** Everything: posts, PUT and finish, and reading. */
        INGEST;

        boolean allows(Scope needed) {
            return this == INGEST || needed == READ;
        }
    }

    private record Entry(Scope scope, byte[] digest) {
    }

    private final List<Entry> entries;

    private AccessTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No tokens: the API is open. */
    public static AccessTokens none() {
        return new AccessTokens(List.of());
    }

    /** One token with full access (the {@code --token-file} of a single token). */
    public static AccessTokens single(String token) {
        return parse(token);
    }

    /**
     * The entries of a token file's text; an unknown scope, a token with spaces, or a file without any
     * token is an IllegalArgumentException whose message names the line.
     */
    public static AccessTokens parse(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length == 1) {
                entries.add(new Entry(Scope.INGEST, digest(words[0])));
            } else if (words.length == 2) {
                entries.add(new Entry(scope(words[0], i + 1), digest(words[1])));
            } else {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + words.length
                        + " words: expected SCOPE TOKEN (scope ingest or read) or a token alone");
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("it holds no token");
        }
        return new AccessTokens(entries);
    }

    private static Scope scope(String word, int line) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "ingest" -> Scope.INGEST;
            case "read" -> Scope.READ;
            default -> throw new IllegalArgumentException("line " + line + ": the scope must be ingest or read");
        };
    }

    /** Whether the API requires a token at all. */
    public boolean required() {
        return !entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The widest scope of the entries that hold {@code token}; empty for an unknown token. */
    public Optional<Scope> scopeOf(String token) {
        byte[] presented = digest(token);
        Scope found = null;
        for (Entry e : entries) { // every entry, whatever matched before
            boolean match = MessageDigest.isEqual(e.digest(), presented);
            if (match && (found == null || e.scope() == Scope.INGEST)) {
                found = e.scope();
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "AccessTokens[" + entries.size() + " tokens]"; // never the tokens
    }
}
