package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerStatistics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointEncodingTest {

    /** A layer's statistics after 250 snapshots of the RBM's kind: running moments, windows, pairs, dynamics. */
    private static LayerStatistics.State state() {
        Reports reports = new Reports("r", "W", 6);
        for (int i = 0; i < 250; i++) {
            reports.next();
        }
        return reports.statistics().state();
    }

    @Test
    void aStateComesBackExactlyAndNoLargerThanAsGzipJson() throws Exception {
        LayerStatistics.State state = state();
        byte[] cbor = CheckpointEncoding.encode(state);
        // Every double exactly: the JSON of both (shortest round-trip decimals) is the same text.
        assertEquals(HistoryWrites.json(state), HistoryWrites.json(CheckpointEncoding.decode(cbor)));
        int json = gzipJson(state).length;
        assertTrue(cbor.length <= json, "gzip CBOR " + cbor.length + " bytes, gzip JSON " + json);
    }

    @Test
    void aCheckpointWrittenAsGzipJsonIsStillRead() throws Exception {
        LayerStatistics.State state = state();
        assertEquals(HistoryWrites.json(state), HistoryWrites.json(CheckpointEncoding.decode(gzipJson(state))));
    }

    /** How checkpoints were stored before CBOR. */
    private static byte[] gzipJson(LayerStatistics.State state) throws java.io.IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            HistoryWrites.JSON.writeValue(gzip, state);
        }
        return bytes.toByteArray();
    }

    @Test
    void aDamagedCheckpointIsAnErrorThatSaysSo() {
        byte[] cbor = CheckpointEncoding.encode(state());
        byte[] cut = java.util.Arrays.copyOf(cbor, cbor.length / 2);
        var e = assertThrows(java.io.UncheckedIOException.class, () -> CheckpointEncoding.decode(cut));
        assertTrue(e.getMessage().contains("checkpoint cannot be read"), e.getMessage());
    }
}
