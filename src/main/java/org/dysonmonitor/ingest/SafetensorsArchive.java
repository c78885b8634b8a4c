package org.dysonmonitor.ingest;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * A safetensors body: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [out, in], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}} (possibly padded with spaces), then the data, every tensor
 * little-endian and row-major at {@code [begin, end)} from the end of the header.
 *
 * <p>The header is read with a streaming JSON parser, token by token and never recursively, so a deeply
 * nested header cannot exhaust the stack. As in the reference implementation, the tensors must tile the
 * data exactly: sorted by offset, each starts where the previous one ends, the last one ends at the end of
 * the body, and each is exactly {@code elements · itemsize} bytes long.
 */
final class SafetensorsArchive implements ModelBody {

    /** numpy's limit on dimensions in version 2, and twice that of version 1. */
    private static final int MAX_DIMENSIONS = 64;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private record Item(long begin, long end) {
    }

    private final ByteBuffer data;
    private final List<ArrayHeader> headers = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafetensorsArchive(ByteBuffer data) {
        this.data = data;
    }

    /**
     * Reads and checks the header.
     *
     * @param in the body from index 0, little-endian
     */
    static SafetensorsArchive open(ByteBuffer in, ModelLimits limits) throws NpyFormatException {
        int length = in.limit();
        if (length < 8) {
            throw new NpyFormatException(Reason.TRUNCATED, "safetensors body ends inside its 8-byte header length");
        }
        long headerLength = in.getLong(0);
        if (headerLength < 0 || headerLength > limits.maxHeaderBytes()) {
            throw new NpyFormatException(Reason.TOO_LARGE, "safetensors header declares "
                    + Long.toUnsignedString(headerLength) + " bytes, more than the limit of " + limits.maxHeaderBytes());
        }
        if (headerLength > length - 8) {
            throw new NpyFormatException(Reason.TRUNCATED, "safetensors header declares " + headerLength
                    + " bytes but only " + (length - 8) + " follow (truncated upload?)");
        }
        int dataStart = 8 + (int) headerLength;
        SafetensorsArchive archive = new SafetensorsArchive(
                in.slice(dataStart, length - dataStart).order(ByteOrder.LITTLE_ENDIAN));
        byte[] json = new byte[(int) headerLength];
        in.get(8, json);
        try (JsonParser p = JSON.createParser(json)) {
            archive.parseHeader(p, limits);
        } catch (JsonProcessingException e) {
            throw badHeader("is not valid JSON (" + brief(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw badHeader("cannot be read (" + brief(e.getMessage()) + ")");
        }
        archive.checkTiling();
        return archive;
    }

    @Override
    public ModelDecoder.Format format() {
        return ModelDecoder.Format.SAFETENSORS;
    }

    @Override
    public List<ArrayHeader> arrays() {
        return headers;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public WeightMatrix decode(int index) throws NpyFormatException {
        ArrayHeader h = headers.get(index);
        Item item = items.get(index);
        ByteBuffer bytes = data.slice((int) item.begin(), (int) (item.end() - item.begin()));
        return MatrixReader.read(h.name(), bytes, h.dtype(), ByteOrder.LITTLE_ENDIAN, false, h.shape());
    }

    private void parseHeader(JsonParser p, ModelLimits limits) throws IOException, NpyFormatException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw badHeader("is not a JSON object");
        }
        Set<String> names = new HashSet<>();
        boolean seenMetadata = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (name.equals("__metadata__")) {
                if (seenMetadata) {
                    throw badHeader("has two __metadata__ entries");
                }
                seenMetadata = true;
                parseMetadata(p);
                continue;
            }
            ArrayNames.check(name);
            if (!names.add(name)) {
                throw new NpyFormatException(Reason.DUPLICATE_NAME, "two arrays are named '" + name + "'");
            }
            if (names.size() > limits.maxEntries()) {
                throw new NpyFormatException(Reason.TOO_MANY_ENTRIES, "safetensors header has more than "
                        + limits.maxEntries() + " tensors, the limit");
            }
            parseTensor(p, name, limits);
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw badHeader("has content after its JSON object");
        }
    }

    private void parseMetadata(JsonParser p) throws IOException, NpyFormatException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw badHeader("__metadata__ must be an object of strings");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw badHeader("__metadata__ value of " + new PyLiteral.Str(key).briefRepr() + " is not a string");
            }
            metadata.put(key, p.getText());
        }
    }

    private void parseTensor(JsonParser p, String name, ModelLimits limits) throws IOException, NpyFormatException {
        String prefix = "array '" + name + "': ";
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw badHeader(prefix, "its entry is not an object with dtype, shape and data_offsets");
        }
        String dtype = null;
        List<BigInteger> shape = null;
        List<BigInteger> offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "dtype" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw badHeader(prefix, "dtype is not a string");
                    }
                    dtype = p.getText();
                }
                case "shape" -> shape = integers(p, prefix, "shape", MAX_DIMENSIONS);
                case "data_offsets" -> offsets = integers(p, prefix, "data_offsets", 2);
                default -> p.skipChildren();
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw badHeader(prefix, "its entry lacks " + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        if (offsets.size() != 2) {
            throw badHeader(prefix, "data_offsets must be [begin, end]");
        }
        ElementType type = elementType(dtype, prefix);
        if (!type.floating() && shape.size() >= 2) {
            throw new NpyFormatException(Reason.UNSUPPORTED_DTYPE, prefix + "dtype " + dtype + " of a "
                    + shape.size() + "-D tensor is not supported: send F32, F16, BF16 or F64");
        }
        String shapeText = shape.toString();
        BigInteger elements = BigInteger.ONE;
        for (BigInteger d : shape) {
            if (d.signum() <= 0) {
                throw new NpyFormatException(Reason.BAD_SHAPE, prefix + "shape " + shapeText + " has a "
                        + (d.signum() < 0 ? "negative" : "zero") + " dimension");
            }
            elements = elements.multiply(d);
        }
        if (elements.compareTo(BigInteger.valueOf(limits.maxElementsPerArray())) > 0) {
            throw new NpyFormatException(Reason.TOO_LARGE, prefix + "declared shape " + shapeText + " has " + elements
                    + " elements, more than the limit of " + limits.maxElementsPerArray());
        }
        BigInteger begin = offsets.get(0);
        BigInteger end = offsets.get(1);
        long dataLength = data.limit();
        if (begin.signum() < 0 || end.compareTo(begin) < 0 || end.compareTo(BigInteger.valueOf(dataLength)) > 0) {
            throw new NpyFormatException(Reason.BAD_ARCHIVE, prefix + "data_offsets " + offsets
                    + " are not within the " + dataLength + " bytes of data (truncated upload?)");
        }
        long bytes = elements.longValueExact() * type.itemSize();
        if (end.longValueExact() - begin.longValueExact() != bytes) {
            throw new NpyFormatException(Reason.SIZE_MISMATCH, prefix + "shape " + shapeText + " " + dtype + " needs "
                    + bytes + " bytes, data_offsets " + offsets + " hold " + end.subtract(begin));
        }
        headers.add(new ArrayHeader(name, shape.stream().mapToLong(BigInteger::longValueExact).toArray(), type, bytes));
        items.add(new Item(begin.longValueExact(), end.longValueExact()));
    }

    /** A JSON array of at most {@code max} non-negative or negative integers, each kept exactly. */
    private static List<BigInteger> integers(JsonParser p, String prefix, String what, int max)
            throws IOException, NpyFormatException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw badHeader(prefix, what + " is not an array of integers");
        }
        List<BigInteger> values = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
            if (values.size() == max) {
                throw new NpyFormatException(what.equals("shape") ? Reason.BAD_SHAPE : Reason.BAD_HEADER,
                        prefix + what + " has more than " + max + " entries");
            }
            values.add(p.getBigIntegerValue());
        }
        if (t != JsonToken.END_ARRAY) {
            throw badHeader(prefix, what + " is not an array of integers");
        }
        return values;
    }

    private static ElementType elementType(String dtype, String prefix) throws NpyFormatException {
        return switch (dtype) {
            case "F64" -> ElementType.FLOAT64;
            case "F32" -> ElementType.FLOAT32;
            case "F16" -> ElementType.FLOAT16;
            case "BF16" -> ElementType.BFLOAT16;
            case "BOOL" -> ElementType.BOOL;
            case "U8" -> ElementType.UINT8;
            case "I8" -> ElementType.INT8;
            case "U16" -> ElementType.UINT16;
            case "I16" -> ElementType.INT16;
            case "U32" -> ElementType.UINT32;
            case "I32" -> ElementType.INT32;
            case "U64" -> ElementType.UINT64;
            case "I64" -> ElementType.INT64;
            default -> throw new NpyFormatException(Reason.UNSUPPORTED_DTYPE, prefix + "dtype "
                    + new PyLiteral.Str(dtype).briefRepr() + " is not supported: send F32, F16, BF16 or F64");
        };
    }

    /** Sorted by offset, the tensors must cover the data exactly, without gaps or overlaps. */
    private void checkTiling() throws NpyFormatException {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> items.get(i).begin()));
        long expected = 0;
        String previous = null;
        for (int i : order) {
            Item item = items.get(i);
            String name = headers.get(i).name();
            if (item.begin() < expected) {
                throw new NpyFormatException(Reason.BAD_ARCHIVE, "arrays '" + previous + "' and '" + name
                        + "' overlap in the data");
            }
            if (item.begin() > expected) {
                throw new NpyFormatException(Reason.BAD_ARCHIVE, "data bytes " + expected + " to " + item.begin()
                        + " before array '" + name + "' belong to no array");
            }
            expected = item.end();
            previous = name;
        }
        if (expected != data.limit()) {
            throw new NpyFormatException(Reason.BAD_ARCHIVE, "data bytes " + expected + " to " + data.limit()
                    + " at the end belong to no array");
        }
    }

    private static String brief(String message) {
        String m = message == null ? "" : message.replaceAll("[\\p{Cntrl}]", " ");
        return m.length() <= 120 ? m : m.substring(0, 120) + "...";
    }

    private static NpyFormatException badHeader(String what) {
        return new NpyFormatException(Reason.BAD_HEADER, "safetensors header " + what);
    }

    private static NpyFormatException badHeader(String prefix, String what) {
        return new NpyFormatException(Reason.BAD_HEADER, prefix + what);
    }
}
