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
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
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
    private static final ObjectMapper CBOR = minimalDoubles();

    private static final ObjectMapper BINARY_ARRAYS = minimalDoubles()
            .registerModule(new SimpleModule("checkpoint arrays")
                    .addSerializer(double[].class, new AsBytes<>(double[].class, a -> a.length,
                            (b, a) -> b.asDoubleBuffer().put(a)))
                    .addDeserializer(double[].class, new FromBytes<>(double[].class, double[]::new,
                            (b, a) -> b.asDoubleBuffer().get(a)))
                    .addSerializer(long[].class, new AsBytes<>(long[].class, a -> a.length,
                            (b, a) -> b.asLongBuffer().put(a)))
                    .addDeserializer(long[].class, new FromBytes<>(long[].class, long[]::new,
                            (b, a) -> b.asLongBuffer().get(a))));

    private static ObjectMapper minimalDoubles() {
        return new ObjectMapper(CBORFactory.builder().enable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES).build());
    }

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

    /** An array written as one CBOR byte string of its 8-byte values. */
    private static final class AsBytes<T> extends StdSerializer<T> {
        private final ToIntFunction<T> length;
        private final BiConsumer<ByteBuffer, T> put;

        AsBytes(Class<T> type, ToIntFunction<T> length, BiConsumer<ByteBuffer, T> put) {
            super(type);
            this.length = length;
            this.put = put;
        }

        @Override
        public void serialize(T values, JsonGenerator g, SerializerProvider provider) throws IOException {
            ByteBuffer b = bytesOf(length.applyAsInt(values));
            put.accept(b, values);
            g.writeBinary(b.array());
        }
    }

    /** An array read back from the byte string {@link AsBytes} wrote: its length is the bytes over 8. */
    private static final class FromBytes<T> extends StdDeserializer<T> {
        private final IntFunction<T> allocate;
        private final BiConsumer<ByteBuffer, T> get;

        FromBytes(Class<T> type, IntFunction<T> allocate, BiConsumer<ByteBuffer, T> get) {
            super(type);
            this.allocate = allocate;
            this.get = get;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ByteBuffer b = binaryValue(p, ctxt, handledType());
            T values = allocate.apply(b.remaining() / 8);
            get.accept(b, values);
            return values;
        }
    }
}
