package org.dysonmonitor.ingest;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * The names an array of a model may have, which become layer names in metric labels and URLs: 1 to
 * {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_.:-]}, which covers every name PyTorch's
 * {@code named_parameters()} gives ({@code encoder.layers.0.self_attn.in_proj_weight}); a leading
 * {@code _} is reserved (safetensors' {@code __metadata__}, and names the monitor may need for itself).
 */
final class ArrayNames {

    static final int MAX_LENGTH = 128;

    private ArrayNames() {
    }

    /** @throws NpyFormatException {@link Reason#BAD_NAME} quoting the name, escaped and shortened */
    static void check(String name) throws NpyFormatException {
        String quoted = new PyLiteral.Str(name).briefRepr();
        if (name.isEmpty()) {
            throw bad("an array has an empty name");
        }
        if (name.length() > MAX_LENGTH) {
            throw bad("array name " + quoted + " has " + name.length() + " characters, more than " + MAX_LENGTH);
        }
        if (name.charAt(0) == '_') {
            throw bad("array name " + quoted + " starts with '_', which is reserved");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            boolean ok = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
                    || ch == '_' || ch == '.' || ch == ':' || ch == '-';
            if (!ok) {
                throw bad("array name " + quoted + " has a character outside [A-Za-z0-9_.:-] at position " + i);
            }
        }
    }

    private static NpyFormatException bad(String what) {
        return new NpyFormatException(Reason.BAD_NAME, what);
    }
}
