package org.dysonmonitor.linalg;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the two-stage reduction is the faster eigensolver for one size and precision on this
 * machine, measured on the spectra themselves. Where it pays depends on the CPU and OpenBLAS's kernels
 * for it (`bench spectrum`, one OpenBLAS thread, float64: 0.88× of {@code ?syevd}'s time at n = 1 024
 * and 0.63× at 2 048 on one 2-core VM; 1.65× and 0.91× on an AMD EPYC one), so no fixed size is right
 * everywhere. The first {@link #TRIALS} spectra of each kind at a size alternate between the two (each
 * is a real spectrum, equally accurate); from then on the one whose fastest run took less thread CPU
 * time is used. The fastest run, not the mean: preemption on a shared machine only ever adds time.
 * Thread-safe: every solver of the JVM shares one trial per size and precision.
 */
final class TwoStageTrial {

    /** Spectra timed per kind before the choice. */
    static final int TRIALS = 2;

    private static final Map<Long, TwoStageTrial> TRIALS_BY_SIZE = new ConcurrentHashMap<>();

    private final long[] fastest = {Long.MAX_VALUE, Long.MAX_VALUE};
    private final int[] runs = new int[2];
    /** null until decided; then whether the two-stage reduction is used. */
    private Boolean twoStage;

    /** The JVM's trial of n×n Gram matrices in one precision. */
    static TwoStageTrial of(int n, boolean single) {
        return TRIALS_BY_SIZE.computeIfAbsent(((long) n << 1) | (single ? 1 : 0), k -> new TwoStageTrial());
    }

    /** Whether the next spectrum takes the two-stage reduction: the kind with fewer runs while undecided. */
    synchronized boolean next() {
        return twoStage != null ? twoStage : runs[1] < runs[0];
    }

    /** A spectrum's eigensolver took {@code cpuNanos} of its thread's CPU time. */
    synchronized void record(boolean twoStageRun, long cpuNanos) {
        if (twoStage != null) {
            return;
        }
        int kind = twoStageRun ? 1 : 0;
        runs[kind]++;
        fastest[kind] = Math.min(fastest[kind], cpuNanos);
        if (runs[0] >= TRIALS && runs[1] >= TRIALS) {
            twoStage = fastest[1] < fastest[0];
        }
    }

    /** The choice once made: empty while the trial runs. */
    synchronized java.util.Optional<Boolean> decided() {
        return java.util.Optional.ofNullable(twoStage);
    }

    /** The fastest run of each kind so far, in ns (one-stage, two-stage; Long.MAX_VALUE when none). */
    synchronized long[] fastest() {
        return fastest.clone();
    }
}
