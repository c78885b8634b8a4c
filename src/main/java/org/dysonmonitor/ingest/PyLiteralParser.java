package org.dysonmonitor.ingest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * A strict recursive-descent parser for the Python dict literal that forms an NPY header, such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}.
 *
 * <p>numpy reads this text with {@code ast.literal_eval}; a regular expression would accept headers
 * numpy rejects and could be fooled by a crafted one (a key hidden inside a string, a duplicate key, a
 * second dict after the first). This parser instead accepts exactly a grammar, and everything else is a
 * {@link Reason#BAD_HEADER}:
 *
 * <pre>
 * header := ws dict ws EOF
 * dict   := '{' ws [ str ws ':' ws value ( ws ',' ws str ws ':' ws value )* ws [','] ] ws '}'
 * value  := str | int | 'True' | 'False' | 'None' | tuple | list
 * tuple  := '(' ws ')' | '(' ws value ws ',' ws [ value ( ws ',' ws value )* ws [','] ] ws ')'
 * group  := '(' ws value ws ')'                        -- just the value, as in Python: (3) is 3
 * list   := '[' ws [ value ( ws ',' ws value )* ws [','] ] ws ']'
 * str    := '...' or "..." with escapes \\ \' \" \n \r \t \0 \xHH \\uHHHH, no raw control characters
 * int    := ['-' | '+'] ( '0' | [1-9][0-9]* ) ['L' | 'l']  -- the L is how Python 2 numpy wrote long ints
 * ws     := ( ' ' | '\t' | '\n' | '\r' | '\f' )*
 * </pre>
 *
 * Dict keys must be strings and unique. Nesting is limited to {@value #MAX_DEPTH} levels so that a crafted
 * header of many brackets cannot exhaust the stack.
 */
final class PyLiteralParser {

    /** Deepest nesting of tuples and lists; a real header nests at most three levels (structured dtypes). */
    static final int MAX_DEPTH = 16;

    private static final String EXAMPLE = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";

    private final String text;
    private int pos;

    private PyLiteralParser(String text) {
        this.text = text;
    }

    /**
     * Parses a header into its entries, in the order written.
     *
     * @param text the header text after the preamble, including its padding
     * @return an unmodifiable map from key to value
     * @throws NpyFormatException with {@link Reason#BAD_HEADER} if {@code text} is not exactly one dict
     *                            literal of the grammar above, possibly surrounded by whitespace
     */
    static Map<String, PyLiteral> parseDict(String text) throws NpyFormatException {
        PyLiteralParser p = new PyLiteralParser(text);
        p.skipWhitespace();
        if (p.peek() != '{') {
            throw p.error("the header must be a Python dict literal such as " + EXAMPLE + ", but it starts with "
                    + p.describeHere());
        }
        Map<String, PyLiteral> dict = p.dict();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the closing '}'");
        }
        return dict;
    }

    private Map<String, PyLiteral> dict() throws NpyFormatException {
        expect('{');
        Map<String, PyLiteral> entries = new LinkedHashMap<>();
        skipWhitespace();
        while (peek() != '}') {
            if (peek() != '\'' && peek() != '"') {
                throw error("expected a quoted key or '}', got " + describeHere());
            }
            String key = string().value();
            if (entries.containsKey(key)) {
                throw error("duplicate key " + new PyLiteral.Str(key).briefRepr());
            }
            skipWhitespace();
            if (peek() != ':') {
                throw error("expected ':' after key " + new PyLiteral.Str(key).briefRepr() + ", got " + describeHere());
            }
            pos++;
            skipWhitespace();
            entries.put(key, value(1));
            if (!separatorOrEnd('}')) {
                break;
            }
        }
        expect('}');
        return Collections.unmodifiableMap(entries);
    }

    private PyLiteral value(int depth) throws NpyFormatException {
        if (depth > MAX_DEPTH) {
            throw error("values are nested more than " + MAX_DEPTH + " levels deep");
        }
        int ch = peek();
        if (ch == '\'' || ch == '"') {
            return string();
        }
        if (ch == '(') {
            return tupleOrGroup(depth);
        }
        if (ch == '[') {
            return list(depth);
        }
        if (ch == '-' || ch == '+' || isDigit(ch)) {
            return integer();
        }
        if (isNameStart(ch)) {
            return keyword();
        }
        throw error("expected a value (a string, an integer, True, False, None, a tuple or a list), got "
                + describeHere());
    }

    private PyLiteral tupleOrGroup(int depth) throws NpyFormatException {
        expect('(');
        skipWhitespace();
        if (peek() == ')') {
            pos++;
            return new PyLiteral.Tuple(List.of());
        }
        PyLiteral first = value(depth + 1);
        skipWhitespace();
        if (peek() == ')') {
            // Without a comma the parentheses only group, as in Python: (3) is the integer 3, not a tuple.
            pos++;
            return first;
        }
        List<PyLiteral> items = new ArrayList<>();
        items.add(first);
        if (separatorOrEnd(')')) {
            while (peek() != ')') {
                items.add(value(depth + 1));
                if (!separatorOrEnd(')')) {
                    break;
                }
            }
        }
        expect(')');
        return new PyLiteral.Tuple(items);
    }

    private PyLiteral list(int depth) throws NpyFormatException {
        expect('[');
        List<PyLiteral> items = new ArrayList<>();
        skipWhitespace();
        while (peek() != ']') {
            items.add(value(depth + 1));
            if (!separatorOrEnd(']')) {
                break;
            }
        }
        expect(']');
        return new PyLiteral.PyList(items);
    }

    /**
     * After an item: consumes whitespace and either a comma (and the whitespace after it), returning true
     * so the caller reads another item unless {@code close} follows, or nothing, returning false when
     * {@code close} comes next. Anything else is an error.
     */
    private boolean separatorOrEnd(char close) throws NpyFormatException {
        skipWhitespace();
        if (peek() == ',') {
            pos++;
            skipWhitespace();
            return true;
        }
        if (peek() == close) {
            return false;
        }
        throw error("expected ',' or '" + close + "', got " + describeHere());
    }

    private PyLiteral.Str string() throws NpyFormatException {
        int start = pos;
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("string starting here is never closed");
            }
            char ch = text.charAt(pos++);
            if (ch == quote) {
                return new PyLiteral.Str(sb.toString());
            }
            if (ch < 0x20 || ch == 0x7f) {
                pos--;
                throw error("control character " + String.format("\\x%02x", (int) ch) + " inside a string");
            }
            if (ch != '\\') {
                sb.append(ch);
                continue;
            }
            if (pos >= text.length()) {
                pos = start;
                throw error("string starting here is never closed");
            }
            char esc = text.charAt(pos++);
            switch (esc) {
                case '\\', '\'', '"' -> sb.append(esc);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case '0' -> sb.append('\0');
                case 'x' -> sb.append((char) hex(2));
                case 'u' -> sb.append((char) hex(4));
                default -> {
                    pos -= 2;
                    throw error("unsupported escape '\\" + esc + "' in a string");
                }
            }
        }
    }

    private int hex(int digits) throws NpyFormatException {
        if (pos + digits > text.length()) {
            throw error("incomplete hexadecimal escape");
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(text.charAt(pos), 16);
            if (d < 0 || text.charAt(pos) > 0x7f) {
                throw error("invalid hexadecimal digit " + describeHere() + " in an escape");
            }
            v = v * 16 + d;
            pos++;
        }
        return v;
    }

    private PyLiteral.Int integer() throws NpyFormatException {
        int start = pos;
        boolean negative = false;
        if (peek() == '-' || peek() == '+') {
            negative = text.charAt(pos) == '-';
            pos++;
        }
        int digitsStart = pos;
        while (isDigit(peek())) {
            pos++;
        }
        int digits = pos - digitsStart;
        if (digits == 0) {
            throw error("expected digits after the sign, got " + describeHere());
        }
        if (digits > 1 && text.charAt(digitsStart) == '0') {
            // Python 3 rejects 007; accepting it would read a header numpy itself refuses.
            pos = start;
            throw error("integer with a leading zero");
        }
        BigInteger value = new BigInteger(text.substring(digitsStart, pos));
        if (peek() == 'L' || peek() == 'l') {
            pos++;
        }
        if (isNameStart(peek()) || isDigit(peek()) || peek() == '.') {
            throw error("unexpected " + describeHere() + " after an integer (only decimal integers are allowed)");
        }
        return new PyLiteral.Int(negative ? value.negate() : value);
    }

    private PyLiteral keyword() throws NpyFormatException {
        int start = pos;
        while (isNameStart(peek()) || isDigit(peek())) {
            pos++;
        }
        String name = text.substring(start, pos);
        switch (name) {
            case "True":
                return new PyLiteral.Bool(true);
            case "False":
                return new PyLiteral.Bool(false);
            case "None":
                return PyLiteral.NoneValue.INSTANCE;
            default:
                pos = start;
                throw error("unexpected name " + new PyLiteral.Str(name).briefRepr()
                        + " (only True, False and None are allowed)");
        }
    }

    private void expect(char ch) throws NpyFormatException {
        if (peek() != ch) {
            throw error("expected '" + ch + "', got " + describeHere());
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char ch = text.charAt(pos);
            if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f') {
                return;
            }
            pos++;
        }
    }

    /** The character at the cursor, or -1 at the end of the text. */
    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private static boolean isDigit(int ch) {
        return ch >= '0' && ch <= '9';
    }

    private static boolean isNameStart(int ch) {
        return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '_';
    }

    /** The character at the cursor, quoted and escaped so a message shows it even if it is invisible. */
    private String describeHere() {
        if (pos >= text.length()) {
            return "the end of the header";
        }
        char ch = text.charAt(pos);
        return ch >= 0x20 && ch < 0x7f ? "'" + ch + "'" : String.format("character \\u%04x", (int) ch);
    }

    private NpyFormatException error(String what) {
        return new NpyFormatException(Reason.BAD_HEADER,
                "NPY header is not a valid dict literal: " + what + " at character " + pos + " (near "
                        + snippet() + ")");
    }

    /** Up to 20 characters either side of the cursor, with control and non-ASCII characters escaped. */
    private String snippet() {
        int from = Math.max(0, pos - 20);
        int to = Math.min(text.length(), pos + 20);
        StringBuilder sb = new StringBuilder("\"");
        if (from > 0) {
            sb.append("...");
        }
        for (int i = from; i < to; i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch >= 0x20 && ch < 0x7f) {
                sb.append(ch);
            } else {
                sb.append(String.format("\\u%04x", (int) ch));
            }
        }
        if (to < text.length()) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
