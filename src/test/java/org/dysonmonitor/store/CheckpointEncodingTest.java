package org.dysonmonitor.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import org.dysonmonitor.rmt.DysonDynamics;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.RunningMoments;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointEncodingTest {

    /** A layer's statistics after {@code snapshots} noisy spectra: running moments, windows, pairs, dynamics. */
    private static LayerStatistics.State state(int modes, int snapshots) {
        Reports reports = modes == 10 ? new Reports("r", "W", 6) : new Reports("r", "W", modes, null, 6);
        for (int i = 0; i < snapshots; i++) {
            reports.next();
        }
        return reports.statistics().state();
    }

    @Test
    void aStateComesBackExactly() {
        LayerStatistics.State state = state(10, 250);
        // Every double exactly: the JSON of both (shortest round-trip decimals) is the same text.
        assertEquals(HistoryWrites.json(state), HistoryWrites.json(CheckpointEncoding.decode(CheckpointEncoding.encode(state))));
    }

    @Test
    void aLayerWithFullWindowsIsStoredAsItsArraysEightBytesAValue() throws IOException {
        // 64 tracked modes of a 128-mode layer: the dynamics window (4096 snapshots) and the moments' ring
        // (100 spectra) full, as a long run's layer keeps them.
        LayerStatistics.State state = state(128, 4200);
        DysonDynamics.State dynamics = state.dynamics().modes();
        RunningMoments.State moments = state.moments();
        long values = dynamics.values().length + dynamics.steps().length + moments.ring().length;
        assertTrue(dynamics.steps().length == 4096 && values > 250_000, values + " values");
        byte[] encoded = CheckpointEncoding.encode(state);
        // The large arrays as their bytes; the rest (the latest measurement's rows for the live panel, the
        // stationarity blocks, the moments' per-mode sums) as ordinary CBOR.
        ObjectMapper cbor = elementwiseCbor();
        long rest = cbor.writeValueAsBytes(state.dynamics().latest()).length
                + cbor.writeValueAsBytes(state.stationarity()).length + 8 * 3 * 128 + 8192;
        assertTrue(encoded.length >= 8 * values && encoded.length <= 8 * values + rest,
                encoded.length + " bytes for " + values + " values of the large arrays and " + rest + " of the rest");
        byte[] elementwise = gzip(cbor.writeValueAsBytes(state));
        assertEquals(HistoryWrites.json(state), HistoryWrites.json(CheckpointEncoding.decode(encoded)));
        assertEquals(HistoryWrites.json(state), HistoryWrites.json(CheckpointEncoding.decode(elementwise)));
    }

    @Test
    void checkpointsWrittenInTheEarlierFormatsAreStillRead() throws IOException {
        LayerStatistics.State state = state(10, 250);
        String json = HistoryWrites.json(state);
        assertEquals(json, HistoryWrites.json(CheckpointEncoding.decode(gzip(elementwiseCbor().writeValueAsBytes(state)))));
        assertEquals(json, HistoryWrites.json(CheckpointEncoding.decode(gzip(HistoryWrites.JSON.writeValueAsBytes(state)))));
    }

    /** How checkpoints were stored before: gzip (its fastest level) of CBOR with arrays element by element. */
    private static ObjectMapper elementwiseCbor() {
        return new ObjectMapper(CBORFactory.builder().enable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES).build());
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(plain);
        }
        return bytes.toByteArray();
    }

    @Test
    void aDamagedCheckpointIsAnErrorThatSaysSo() throws IOException {
        LayerStatistics.State state = state(10, 250);
        for (byte[] whole : new byte[][] {CheckpointEncoding.encode(state), gzip(elementwiseCbor().writeValueAsBytes(state))}) {
            byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
            var e = assertThrows(java.io.UncheckedIOException.class, () -> CheckpointEncoding.decode(cut));
            assertTrue(e.getMessage().contains("checkpoint cannot be read"), e.getMessage());
        }
    }
}
