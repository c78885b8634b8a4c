package org.dysonmonitor.sweep;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The progress line and its time estimate; number formatting of the report. */
class ProgressTest {

    @Test
    void lineShowsRunsSnapshotsAndEta() {
        Progress p = new Progress(40, 1, 160, 4, 1_234_567, 250, 1000, Duration.ofSeconds(90));
        assertEquals(0.25, p.fraction(), 1e-12);
        assertEquals(Duration.ofSeconds(270), p.eta(), "3/4 left at the rate of the first quarter");
        assertEquals("[#####...............]  25% runs 40/160 (4 active, 1 failed) · 1.23M snapshots · 1:30 elapsed · ETA 4:30",
                p.line(20));
    }

    @Test
    void noEtaBeforeAnyWorkIsDone() {
        Progress p = Progress.start(10, 1e6);
        assertNull(p.eta());
        assertEquals("[..........]   0% runs 0/10 (0 active) · 0 snapshots · 0:00 elapsed · ETA --:--", p.line(10));
    }

    @Test
    void countsAndClocks() {
        assertEquals("9999", Progress.count(9999));
        assertEquals("12.3k", Progress.count(12_345));
        assertEquals("3:05", Progress.clock(Duration.ofSeconds(185)));
        assertEquals("1:00:05", Progress.clock(Duration.ofSeconds(3605)));
    }

    @Test
    void valuesWithErrorsShowTwoSignificantDigitsOfTheError() {
        assertEquals("1.834 ± 0.012", Format.pm(1.83417, 0.01234));
        assertEquals("-0.148 ± 0.021", Format.pm(-0.1481, 0.0213));
        assertEquals("(6.84 ± 0.12)e-3", Format.pm(0.006842, 0.000123));
        assertEquals("2.279", Format.pm(2.27938, Double.NaN));
        assertEquals("–", Format.pm(Double.NaN, 0.1));
        assertEquals("0.00625", Format.sig(0.1 / 16, 3));
    }

    @Test
    void histogramDensityIntegratesToTheFractionInRange() {
        Histogram h = Histogram.filler(0, 2, 4).add(0.1).add(0.2).add(0.7).add(1.9).add(5).build();
        assertEquals(5, h.total());
        assertEquals(2 / (5 * 0.5), h.density(0), 1e-12);
        assertEquals(0.25, h.centre(0), 1e-12);
        double integral = 0;
        for (int i = 0; i < h.bins(); i++) {
            integral += h.density(i) * h.width();
        }
        assertEquals(0.8, integral, 1e-12);
    }
}
