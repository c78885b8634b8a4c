package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * Decodes a whole model, every array of two or more dimensions a layer, from one body in either format a
 * training writes: numpy's {@code .npz} ({@code np.savez}, {@code np.savez_compressed}) or a safetensors
 * file. The format is {@linkplain #detect recognised from the first bytes}.
 *
 * <p>Two steps, so that a service can admit a snapshot before paying for it: {@link #header} reads names,
 * shapes and dtypes only (the zip directory and each entry's NPY header, inflating no more than that header;
 * or the safetensors JSON), and checks everything that does not need the values against the
 * {@link ModelLimits}; {@link #decode} then reads the values too. Decoding is all or nothing: a model with
 * one bad array is rejected whole, by an {@link NpyFormatException} whose message names the array.
 *
 * <p>Bodies come from the network and from files written by other programs, so nothing in them is trusted:
 * every length and offset is checked against the body with arithmetic that cannot overflow, and no input
 * makes these methods throw anything but {@link NpyFormatException}. Stateless and thread-safe.
 */
public final class ModelDecoder {

    /** The two whole-model formats. */
    public enum Format {
        /** A zip archive of {@code .npy} files: starts with a zip header {@code PK\x03\x04}. */
        NPZ,
        /** safetensors: an 8-byte little-endian header length N, then N bytes of JSON starting with '{'. */
        SAFETENSORS
    }

    /** Largest safetensors header length {@link #detect} calls plausible: 1 TiB, far above any limit. */
    private static final long PLAUSIBLE_HEADER = 1L << 40;

    private ModelDecoder() {
    }

    /**
     * The format of the bytes between {@code body}'s position and limit (left unchanged): NPZ if they start
     * with a zip local header {@code PK\x03\x04} (or an empty zip's end record {@code PK\x05\x06}), SAFETENSORS
     * if they start with a little-endian uint64 N with 2 ≤ N < 2<sup>40</sup> followed by '{'.
     *
     * @throws NpyFormatException {@link Reason#EMPTY_BODY} for no bytes, {@link Reason#BAD_MAGIC} for anything
     *                            else, with a hint if it is a lone {@code .npy} array, a pickle or JSON
     */
    public static Format detect(ByteBuffer body) throws NpyFormatException {
        ByteBuffer in = Objects.requireNonNull(body, "body").slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = in.limit();
        if (length == 0) {
            throw new NpyFormatException(Reason.EMPTY_BODY,
                    "request body is empty: send a model written by numpy.savez or safetensors");
        }
        if (length >= 4 && (in.getInt(0) == 0x04034b50 || in.getInt(0) == 0x06054b50)) {
            return Format.NPZ;
        }
        if (length >= 9) {
            long n = in.getLong(0);
            if (n >= 2 && n < PLAUSIBLE_HEADER && in.get(8) == '{') {
                return Format.SAFETENSORS;
            }
        }
        String hint = NpyDecoder.hasMagic(in, length)
                ? " (a single .npy array: send it as one layer's snapshot, or wrap it with numpy.savez)"
                : "";
        throw new NpyFormatException(Reason.BAD_MAGIC, "body is neither an .npz archive (which starts with "
                + "PK\\x03\\x04) nor a safetensors file (an 8-byte header length, then '{'): it starts with "
                + NpyDecoder.describeStart(in, length) + hint);
    }

    /** The arrays a body declares, layers and skipped ones, without decoding any value; see {@link #header}. */
    public static List<ArrayHeader> headers(ByteBuffer body, ModelLimits limits) throws NpyFormatException {
        return header(body, limits).arrays();
    }

    /**
     * Reads and checks what a body declares, without decoding any value: names (BAD_NAME, DUPLICATE_NAME),
     * entry count (TOO_MANY_ENTRIES), header and element limits (TOO_LARGE), declared compression (ZIP_BOMB),
     * dtypes, shapes, sizes and offsets, and that there is at least one layer (NO_LAYERS).
     *
     * @param body   the bytes between position and limit; heap, direct, read-only or memory-mapped; not
     *               modified
     * @param limits what the body may ask for
     */
    public static ModelHeader header(ByteBuffer body, ModelLimits limits) throws NpyFormatException {
        ModelBody model = open(body, limits);
        return new ModelHeader(model.format(), model.arrays(), model.metadata());
    }

    /**
     * Decodes a whole model: the checks of {@link #header}, then every layer's values, each finite.
     *
     * @param body   the bytes between position and limit; not modified
     * @param limits what the body may ask for
     * @return every layer in body order, and the skipped 0-D and 1-D arrays
     * @throws NpyFormatException if anything is wrong with any array; nothing is returned then
     */
    public static DecodedModel decode(ByteBuffer body, ModelLimits limits) throws NpyFormatException {
        ModelBody model = open(body, limits);
        List<NamedMatrix> layers = new ArrayList<>();
        List<ArrayHeader> skipped = new ArrayList<>();
        decodeInto(model, layers, skipped);
        return new DecodedModel(layers, skipped, model.metadata());
    }

    /** Decodes every layer of an opened body into {@code layers}, and lists the rest in {@code skipped}. */
    static void decodeInto(ModelBody model, List<NamedMatrix> layers, List<ArrayHeader> skipped)
            throws NpyFormatException {
        List<ArrayHeader> arrays = model.arrays();
        for (int i = 0; i < arrays.size(); i++) {
            ArrayHeader a = arrays.get(i);
            if (a.isLayer()) {
                layers.add(new NamedMatrix(a.name(), model.decode(i), a.shape()));
            } else {
                skipped.add(a);
            }
        }
    }

    /** Opens a body and checks it as a whole model: {@link #openPart}, then the total and at least one layer. */
    private static ModelBody open(ByteBuffer body, ModelLimits limits) throws NpyFormatException {
        ModelBody model = openPart(body, limits);
        checkWhole(model.arrays(), limits);
        return model;
    }

    /**
     * Opens a body that may be one part of a model (a shard of a sharded checkpoint, which may hold only
     * 1-D arrays): every check of {@link #header} but the model's total and its having a layer.
     */
    static ModelBody openPart(ByteBuffer body, ModelLimits limits) throws NpyFormatException {
        Objects.requireNonNull(limits, "limits");
        Format format = detect(body);
        ByteBuffer in = body.slice().order(ByteOrder.LITTLE_ENDIAN);
        return format == Format.NPZ ? NpzArchive.open(in, limits) : SafetensorsArchive.open(in, limits);
    }

    /** The checks on a whole model's arrays: at most the total element limit in layers, and one layer at least. */
    static void checkWhole(List<ArrayHeader> arrays, ModelLimits limits) throws NpyFormatException {
        long total = 0;
        for (ArrayHeader a : arrays) {
            if (a.isLayer()) {
                total += a.elements();
                if (total > limits.maxTotalElements()) {
                    throw new NpyFormatException(Reason.TOO_LARGE, "array '" + a.name() + "' brings the model to "
                            + total + " elements, more than the limit of " + limits.maxTotalElements());
                }
            }
        }
        if (arrays.stream().noneMatch(ArrayHeader::isLayer)) {
            throw new NpyFormatException(Reason.NO_LAYERS, "the model has no array of 2 or more dimensions"
                    + (arrays.isEmpty() ? "" : " (only " + arrays.size() + " 0-D or 1-D arrays)"));
        }
    }
}
