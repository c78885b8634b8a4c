package org.dysonmonitor.ingest;

import java.math.BigInteger;
import java.util.List;

/**
 * A value of the small subset of Python literals that appears in an NPY header: strings, integers,
 * {@code True}/{@code False}/{@code None}, tuples and lists. Produced by {@link PyLiteralParser}; each value
 * prints back in Python's {@code repr} form, so error messages quote the header the way the sender wrote it.
 */
sealed interface PyLiteral {

    /** Longest {@link #briefRepr()}: enough for any real header value, short enough for a log line. */
    int BRIEF_LENGTH = 100;

    /** The value as Python would print it. */
    String repr();

    /**
     * {@link #repr()} cut to {@value #BRIEF_LENGTH} characters and marked with "...", for error messages:
     * a crafted header may hold a 10 000-character string, which must not be echoed back whole.
     */
    default String briefRepr() {
        String r = repr();
        return r.length() <= BRIEF_LENGTH ? r : r.substring(0, BRIEF_LENGTH) + "...";
    }

    /** A string literal, after escapes are resolved. */
    record Str(String value) implements PyLiteral {
        @Override
        public String repr() {
            StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                if (ch == '\'' || ch == '\\') {
                    sb.append('\\').append(ch);
                } else if (ch < 0x20 || ch == 0x7f) {
                    // Control characters are printed escaped so a message stays one readable line.
                    sb.append(String.format("\\x%02x", (int) ch));
                } else {
                    sb.append(ch);
                }
            }
            return sb.append('\'').toString();
        }
    }

    /** An integer literal of any size: shapes are checked for overflow after parsing, not during. */
    record Int(BigInteger value) implements PyLiteral {
        @Override
        public String repr() {
            return value.toString();
        }
    }

    /** {@code True} or {@code False}. */
    record Bool(boolean value) implements PyLiteral {
        @Override
        public String repr() {
            return value ? "True" : "False";
        }
    }

    /** {@code None}. */
    enum NoneValue implements PyLiteral {
        INSTANCE;

        @Override
        public String repr() {
            return "None";
        }
    }

    /** A tuple, such as a shape {@code (3, 4)}, {@code (3,)} or {@code ()}. */
    record Tuple(List<PyLiteral> items) implements PyLiteral {
        public Tuple {
            items = List.copyOf(items);
        }

        @Override
        public String repr() {
            if (items.size() == 1) {
                // Python's one-element tuple keeps its trailing comma: (10,)
                return "(" + items.get(0).repr() + ",)";
            }
            return "(" + join(items) + ")";
        }
    }

    /** A list, as in the {@code descr} of a structured dtype. */
    record PyList(List<PyLiteral> items) implements PyLiteral {
        public PyList {
            items = List.copyOf(items);
        }

        @Override
        public String repr() {
            return "[" + join(items) + "]";
        }
    }

    private static String join(List<PyLiteral> items) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(items.get(i).repr());
        }
        return sb.toString();
    }
}
