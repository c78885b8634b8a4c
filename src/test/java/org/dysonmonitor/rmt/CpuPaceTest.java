package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CpuPaceTest {

    /**
     * 17 layers of a whole model whose measurements (or checkpoints) cost 10–60 ms each, every one measuring as soon as its
     * wait (and its own 10 s cadence) allows, for a simulated hour: together they take the pace's 2 % of a
     * core, and each the same 1/17 of it, the costliest layer measuring least often.
     */
    @Test
    void layersMeasuringAsOftenAsAllowedShareTheGivenCpu() {
        double share = 0.02;
        CpuPace pace = new CpuPace(share);
        int layers = 17;
        double[] cost = new double[layers];
        double[] next = new double[layers];
        double[] spent = new double[layers];
        Object[] keys = new Object[layers];
        for (int i = 0; i < layers; i++) {
            cost[i] = 0.015 + 0.045 * i / (layers - 1);
            keys[i] = new Object();
            next[i] = 0.7 * i / layers; // the layers of one snapshot arrive one after the other
        }
        double hour = 3600;
        for (double now = 0; now < hour; now += 0.1) {
            for (int i = 0; i < layers; i++) {
                if (now >= next[i]) {
                    spent[i] += cost[i];
                    double wait = pace.worked(keys[i], cost[i], now);
                    next[i] = now + Math.max(wait, LayerDynamics.MEASURE_SECONDS);
                }
            }
        }
        double total = 0;
        for (int i = 0; i < layers; i++) {
            total += spent[i];
            // The first round, before every layer is counted, runs a little faster than the steady state.
            assertEquals(share / layers, spent[i] / hour, 0.03 * share / layers, "layer " + i + "'s share");
        }
        assertEquals(share, total / hour, 0.02 * share, "all layers' share of a core");
        assertEquals(layers, pace.layers(hour));
    }

    @Test
    void aLayerThatStopsWorkingLeavesTheCountAndCheapLayersKeepTheirOwnCadence() {
        CpuPace pace = new CpuPace(0.02);
        Object busy = new Object();
        Object quiet = new Object();
        // 2 ms of work: 2 layers would wait 0.2 s; they work every 10 s instead (their own cadence) and count
        // for twice that interval once it has been seen.
        assertEquals(0.1, pace.worked(quiet, 0.002, 0), 1e-12);
        assertEquals(0.2, pace.worked(busy, 0.002, 0.1), 1e-12);
        assertEquals(0.2, pace.waitOf(busy), 1e-12);
        assertEquals(0.1, pace.worked(quiet, 0.002, 10), 1e-12, "busy's first interval was not known: it left");
        assertEquals(0.2, pace.worked(busy, 0.002, 10.1), 1e-12);
        assertEquals(2, pace.layers(25), "both counted for twice their 10 s interval");
        assertEquals(0.2, pace.worked(busy, 0.002, 20.1), 1e-12);
        assertEquals(1, pace.layers(31), "the quiet layer, last at 10, left at 30");
        assertEquals(0.1, pace.waitOf(quiet), 1e-12, "remembered a while longer, for its interval");
        assertEquals(0.1, pace.worked(busy, 0.002, 30.1), 1e-12, "alone now");
    }

    @Test
    void unlimitedAndUntimedMeasurementsNeverWait() {
        assertEquals(0, CpuPace.UNLIMITED.worked(new Object(), 5.0, 100));
        assertEquals(0, CpuPace.UNLIMITED.cpuNanos());
        assertEquals(0, new CpuPace(0.01).worked(new Object(), 5.0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new CpuPace(0));
        assertThrows(IllegalArgumentException.class, () -> new CpuPace(Double.NaN));
    }

    /**
     * A layer streamed at one snapshot a second measures at its 50th snapshot and, unpaced, every 10 s after;
     * paced at a billionth of a core, its first measurement (a real one, far more than a microsecond of CPU) makes it wait
     * for hours, so 500 more snapshots bring none. Untimed snapshots are never held back.
     */
    @Test
    void aPacedLayerWaitsAfterItsMeasurement() {
        assertEquals(List.of(50L, 60L, 70L), measuredSnapshots(CpuPace.UNLIMITED, 75, 1.0));
        assertEquals(List.of(50L), measuredSnapshots(new CpuPace(1e-9), 550, 1.0));
        assertEquals(List.of(50L, 100L, 150L), measuredSnapshots(new CpuPace(1e-9), 150, Double.NaN));
    }

    /** The snapshot counts at which a 4-mode layer, fed {@code snapshots} OU spectra {@code dt} s apart, measured. */
    private static List<Long> measuredSnapshots(CpuPace pace, int snapshots, double dt) {
        LayerDynamics dynamics = new LayerDynamics(4, List.of(), DysonDynamics.Config.defaults());
        dynamics.pace(pace);
        SplittableRandom rng = new SplittableRandom(3);
        double[] x = {1, 2, 3, 4};
        java.util.ArrayList<Long> at = new java.util.ArrayList<>();
        long last = 0;
        for (int k = 1; k <= snapshots; k++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (i + 1) + 0.9 * (x[i] - (i + 1)) + 0.01 * rng.nextGaussian();
            }
            DysonReport report = dynamics.add(k, x.clone(), k * dt, 0.1, 16);
            if (report.measuredSnapshot() != last) {
                last = report.measuredSnapshot();
                at.add(last);
            }
        }
        assertTrue(at.isEmpty() || at.get(0) == LayerDynamics.MEASURE_EVERY);
        return at;
    }
}
