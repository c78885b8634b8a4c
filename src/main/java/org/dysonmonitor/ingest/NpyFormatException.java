package org.dysonmonitor.ingest;

import java.util.Objects;

/**
 * A snapshot body (one {@code .npy} array, or a whole model as {@code .npz} or safetensors) that cannot be
 * accepted, with a machine-readable {@link Reason}
 * and a message meant for the person who sent it.
 *
 * <p>This is a checked exception on purpose: rejecting bad input is an expected outcome of decoding
 * untrusted HTTP bodies, not a programming error, so the compiler makes every caller (the HTTP route)
 * decide what to do with it: count it under {@code dyson_snapshots_rejected_total{reason}} and answer
 * with an HTTP status. The message never contains a stack trace or internal names and is safe to return
 * verbatim as {@code {"error": "..."}}.
 */
public final class NpyFormatException extends Exception {

    /**
     * Why a body was rejected. The {@linkplain #label() labels} are a stable contract: they are the values
     * of the Prometheus label {@code reason} on {@code dyson_snapshots_rejected_total}, used by dashboards
     * and alert rules, so never rename one; add a new constant instead.
     *
     * <p>This package knows nothing of HTTP; the status suggested for each reason below is what the HTTP
     * layer is expected to map it to.
     */
    public enum Reason {
        /** The body has no bytes at all (suggested status 400). */
        EMPTY_BODY("empty_body"),
        /** The body does not start with the NPY magic string {@code \x93NUMPY} (suggested 415). */
        BAD_MAGIC("bad_magic"),
        /**
         * The preamble or header is malformed: unsupported format version, header too long, not a valid
         * Python dict literal, missing, duplicate or unknown keys, or values of the wrong type
         * (suggested 400).
         */
        BAD_HEADER("bad_header"),
        /**
         * The body ends inside the preamble or the header. A body cut short inside the <em>data</em> is
         * reported as {@link #SIZE_MISMATCH}: from the bytes alone a truncated upload cannot be told apart
         * from a header that overstates the shape (suggested 400).
         */
        TRUNCATED("truncated"),
        /** The data section is longer or shorter than shape × item size (suggested 400). */
        SIZE_MISMATCH("size_mismatch"),
        /** The array is not 2-D (0-D, 1-D, 3-D, ...) or has a zero or negative dimension (suggested 422). */
        BAD_SHAPE("bad_shape"),
        /**
         * The dtype is not float32 or float64: objects (pickles, never loaded), complex, integers, bool,
         * float16, long double, strings, datetimes, raw bytes or structured records: a well-formed NPY file
         * whose content the monitor cannot use (suggested 422).
         */
        UNSUPPORTED_DTYPE("unsupported_dtype"),
        /** A value is NaN or ±Infinity (suggested 422). */
        NON_FINITE("non_finite"),
        /**
         * The declared shape has more elements than the caller's limit allows, one array or a whole model,
         * or a model's header (safetensors JSON, zip central directory) is longer than allowed (suggested
         * 413).
         */
        TOO_LARGE("too_large"),
        /**
         * A model body ({@code .npz} or safetensors) is structurally broken: no end-of-directory record,
         * offsets outside the body, overlapping or out-of-order entries, a checksum that does not match, a
         * deflate stream that is corrupt or ends early (suggested 400).
         */
        BAD_ARCHIVE("bad_archive"),
        /**
         * A well-formed zip that uses what an {@code .npz} never does: encryption, compression other than
         * stored or deflate, or several disks (suggested 415).
         */
        UNSUPPORTED_ARCHIVE("unsupported_archive"),
        /** Two arrays of one model have the same name (suggested 422). */
        DUPLICATE_NAME("duplicate_name"),
        /**
         * An array's name is not 1 to 128 characters of {@code [A-Za-z0-9_.:-]}, starts with {@code _}
         * (reserved), or an {@code .npz} entry is not called {@code name.npy} (suggested 422).
         */
        BAD_NAME("bad_name"),
        /** A model has more arrays than the caller's limit allows (suggested 413). */
        TOO_MANY_ENTRIES("too_many_entries"),
        /**
         * A compressed entry would inflate to more than the caller allows, claims a compression ratio
         * beyond the limit, or inflates beyond the size it declares (suggested 413).
         */
        ZIP_BOMB("zip_bomb"),
        /** A model has no array of two or more dimensions, so nothing to monitor (suggested 422). */
        NO_LAYERS("no_layers");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The stable lowercase snake_case label, for example {@code "size_mismatch"}. */
        public String label() {
            return label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final Reason reason;

    /**
     * @param reason  why the body was rejected
     * @param message what is wrong, in words the sender understands, without a trailing period
     */
    public NpyFormatException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the body was rejected. */
    public Reason reason() {
        return reason;
    }
}
