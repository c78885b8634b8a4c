package org.dysonmonitor.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import org.dysonmonitor.rmt.LayerStatistics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPInputStream;

/**
 * How a layer's statistics are kept in a checkpoint: the CBOR of {@link LayerStatistics.State}, the
 * same fields as its JSON, with every {@code double[]} and {@code long[]} written as one byte string of
 * its values (8 bytes each, little-endian) and no compression. A state is mostly those arrays, O(window ·
 * modes) values of noisy doubles: element by element and through gzip, a 128-mode layer's state with full
 * windows (2.6 MB of CBOR) took 60–100 ms of CPU to encode, 60 of them in deflate, which shrank it by only
 * 23 %; as byte strings it is a copy of the arrays.
 *
 * <p>Checkpoints written before, gzip (magic 1f 8b, which no CBOR map starts with) of CBOR with arrays
 * element by element or of JSON, are still read.
 */
final class CheckpointEncoding {

    /** A double that a float holds exactly (0, small integers) takes 5 bytes, not 9. */
    private static final ObjectMapper CBOR = new ObjectMapper(CBORFactory.builder()
            .enable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES).build());

    private static final ObjectMapper BINARY_ARRAYS = new ObjectMapper(CBORFactory.builder()
            .enable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES).build())
            .registerModule(new SimpleModule("checkpoint arrays")
                    .addSerializer(double[].class, new DoublesAsBytes())
                    .addDeserializer(double[].class, new DoublesFromBytes())
                    .addSerializer(long[].class, new LongsAsBytes())
                    .addDeserializer(long[].class, new LongsFromBytes()));

    private CheckpointEncoding() {
    }

    static byte[] encode(LayerStatistics.State state) {
        try {
            return BINARY_ARRAYS.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LayerStatistics.State decode(byte[] bytes) {
        try {
            if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                return decodeGzip(bytes);
            }
            return BINARY_ARRAYS.readValue(bytes, LayerStatistics.State.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored checkpoint cannot be read", e);
        }
    }

    /** The earlier format: gzip of CBOR with arrays element by element, or of JSON (starts with '{'). */
    private static LayerStatistics.State decodeGzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            byte[] plain = in.readAllBytes();
            if (plain.length > 0 && plain[0] == '{') {
                return HistoryWrites.JSON.readValue(plain, LayerStatistics.State.class);
            }
            return CBOR.readValue(plain, LayerStatistics.State.class);
        }
    }

    private static ByteBuffer bytesOf(int values) {
        return ByteBuffer.allocate(Math.multiplyExact(values, 8)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer binaryValue(JsonParser p, DeserializationContext ctxt, Class<?> type) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_EMBEDDED_OBJECT) {
            return (ByteBuffer) ctxt.handleUnexpectedToken(type, p);
        }
        byte[] b = p.getBinaryValue();
        if (b.length % 8 != 0) {
            throw new IOException("an array of " + b.length + " bytes is not a whole number of 8-byte values");
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static final class DoublesAsBytes extends StdSerializer<double[]> {
        DoublesAsBytes() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] values, JsonGenerator g, SerializerProvider provider) throws IOException {
            ByteBuffer b = bytesOf(values.length);
            b.asDoubleBuffer().put(values);
            g.writeBinary(b.array());
        }
    }

    private static final class DoublesFromBytes extends StdDeserializer<double[]> {
        DoublesFromBytes() {
            super(double[].class);
        }

        @Override
        public double[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ByteBuffer b = binaryValue(p, ctxt, double[].class);
            double[] values = new double[b.remaining() / 8];
            b.asDoubleBuffer().get(values);
            return values;
        }
    }

    private static final class LongsAsBytes extends StdSerializer<long[]> {
        LongsAsBytes() {
            super(long[].class);
        }

        @Override
        public void serialize(long[] values, JsonGenerator g, SerializerProvider provider) throws IOException {
            ByteBuffer b = bytesOf(values.length);
            b.asLongBuffer().put(values);
            g.writeBinary(b.array());
        }
    }

    private static final class LongsFromBytes extends StdDeserializer<long[]> {
        LongsFromBytes() {
            super(long[].class);
        }

        @Override
        public long[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ByteBuffer b = binaryValue(p, ctxt, long[].class);
            long[] values = new long[b.remaining() / 8];
            b.asLongBuffer().get(values);
            return values;
        }
    }
}
