package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Decides when a layer's spectrum has become stationary (its running means stop moving beyond their
 * own noise) and converged (stationary and near a known target spectrum).
 *
 * <p><b>Batch means.</b> Snapshots are averaged per mode into blocks of {@code blockLength}; the last
 * K = {@code blocks} complete block means y_0..y_{K−1} (oldest first) are kept in a ring. For
 * blocks much longer than the autocorrelation time the block means are nearly independent, so
 * their scatter measures the noise of a block mean without any model of the dynamics.
 *
 * <p><b>Trend statistic.</b> Per mode, the least-squares slope of the block means against the
 * block index k, divided by its standard error:
 * <pre>
 *   b̂ = Σ (k − k̄)(y_k − ȳ) / Sxx,   Sxx = K(K² − 1)/12,
 *   V = Σ (y_k − ȳ − b̂(k − k̄))² / (K − 2),    t = |b̂| / √(V / Sxx).
 * </pre>
 * For independent Gaussian block means with no trend, t follows Student's t with K − 2 degrees of
 * freedom. This replaces the simpler "first half versus second half" comparison whose noise
 * estimate (the scatter of the block means within each half) is itself inflated by a drift: a
 * noise-free linear drift gives that statistic the fixed value √(6h³/(h² − 1)) (h blocks per half,
 * 7.8 for h = 10), so a strong clean drift could never be rejected. The regression residuals
 * remove the trend from V, and a clean drift gives t → ∞ ({@link TrendStatistic}: the arithmetic,
 * the treatment of constant modes and the noise floor).
 *
 * <p><b>Decision and hysteresis.</b> The decision is re-evaluated only when a block completes
 * (every {@code blockLength} snapshots), and needs K complete blocks. A non-stationary layer becomes
 * stationary when max over modes of t ≤ z_enter; a stationary layer stays stationary until
 * some t &gt; z_exit (z_exit ≥ z_enter). Defaults K = 20 (18 degrees of freedom), z_enter = 4,
 * z_exit = 6. For 10 independent stationary modes (Student t₁₈ tails):
 * <ul>
 *   <li>P(some |t| &gt; 4) = 10 · 8.4·10⁻⁴ ≈ 0.8% per evaluation: entry is delayed by noise rarely;</li>
 *   <li>P(some |t| &gt; 6) = 10 · 1.1·10⁻⁵ ≈ 1.1·10⁻⁴ per evaluation: a false exit about once in
 *   9 000 evaluations (9·10⁴ snapshots at blockLength 10), so the state does not flicker.</li>
 * </ul>
 * They hold for independent block means. A mode whose autocorrelation time is not ≪ blockLength (the
 * RBM's κ = 8 mode: τ ≈ 33 snapshots against blocks of 10) has correlated block means and a t far wider
 * than Student's: single evaluations above z_exit, in runs of a few, are then common (11 % of the
 * evaluations of the RBM at (0.1, 4)). So the exit can also ask for P consecutive evaluations above
 * z_exit ({@code exitEvaluations}; K/2 in {@link LayerStatistics}): the state then changes at most once per P evaluations of a noise excursion, and a real change
 * is still detected P − 1 evaluations ((P − 1)·blockLength snapshots) after its t first exceeds z_exit.
 * These rates grow with the number of modes; for a layer with hundreds of modes derive the
 * thresholds from {@link #threshold(int, int, double)} instead of the defaults.
 * Sensitivity: a drift is detected when its total over the K-block window exceeds roughly
 * z·√12/√K ≈ 3 block-mean standard deviations (K = 20). A relaxation much slower than the window
 * K·blockLength looks stationary; choose the window longer than the relaxation time and use
 * {@link #converged(double[], double)} when a target is known. Autocorrelation across blocks
 * (blockLength not ≫ τ_int) inflates t; keep blockLength ≳ 5τ_int.
 *
 * <p>Allocation-free on {@link #add}. Not thread-safe: owned by one actor. Inputs are never modified.
 */
public final class StationarityDetector {

    public static final int DEFAULT_BLOCK_LENGTH = 10;
    public static final int DEFAULT_BLOCKS = 20;
    public static final double DEFAULT_Z_ENTER = 4.0;
    public static final double DEFAULT_Z_EXIT = 6.0;

    /** z_exit/z_enter used by the four-argument constructor (4 → 6, as the defaults). */
    public static final double DEFAULT_EXIT_RATIO = 1.5;

    private final int modes;
    private final int blockLength;
    private final int blocks;
    private final double zEnter;
    private final double zExit;
    private final int exitEvaluations;
    private final double sxx;

    /** First value of every mode: block sums are taken relative to it to keep precision. */
    private final double[] reference;
    private final double[] blockSum;
    /** Ring of block means relative to {@link #reference}, slot-major: ring[slot * modes + mode]. */
    private final double[] ring;
    private final double[] statistic;
    private final double[] meansScratch;

    private long n;
    private int fill;
    private long totalBlocks;
    private int nextSlot;
    private boolean stationary;
    private int exitRun;
    private long stationarySince;
    private double maxStatistic;

    /** Defaults: blockLength 10, 20 blocks, z_enter 4, z_exit 6. */
    public StationarityDetector(int modes) {
        this(modes, DEFAULT_BLOCK_LENGTH, DEFAULT_BLOCKS, DEFAULT_Z_ENTER, DEFAULT_Z_EXIT);
    }

    /** z_enter = z, z_exit = 1.5 z. */
    public StationarityDetector(int modes, int blockLength, int blocks, double z) {
        this(modes, blockLength, blocks, z, DEFAULT_EXIT_RATIO * z);
    }

    /**
     * @param modes       length of every spectrum, ≥ 1
     * @param blockLength snapshots per block, ≥ 1
     * @param blocks      number K of blocks in the window, ≥ 4
     * @param zEnter      threshold on max t to become stationary, &gt; 0
     * @param zExit       threshold on max t to stop being stationary, ≥ zEnter
     */
    public StationarityDetector(int modes, int blockLength, int blocks, double zEnter, double zExit) {
        this(modes, blockLength, blocks, zEnter, zExit, 1);
    }

    /**
     * As above, with the exit needing {@code exitEvaluations} consecutive evaluations above z_exit.
     *
     * @param exitEvaluations P ≥ 1 (1: the first evaluation above z_exit ends a stationary period)
     */
    public StationarityDetector(int modes, int blockLength, int blocks, double zEnter, double zExit,
                                int exitEvaluations) {
        if (modes < 1 || blockLength < 1 || blocks < 4 || exitEvaluations < 1) {
            throw new IllegalArgumentException("need modes >= 1, blockLength >= 1, blocks >= 4, exitEvaluations >= 1");
        }
        if (!(zEnter > 0.0) || !(zExit >= zEnter) || Double.isInfinite(zExit)) {
            throw new IllegalArgumentException("need 0 < zEnter <= zExit < inf: " + zEnter + ", " + zExit);
        }
        this.modes = modes;
        this.blockLength = blockLength;
        this.blocks = blocks;
        this.zEnter = zEnter;
        this.zExit = zExit;
        this.exitEvaluations = exitEvaluations;
        this.sxx = TrendStatistic.sxx(blocks);
        this.reference = new double[modes];
        this.blockSum = new double[modes];
        this.ring = new double[modes * blocks];
        this.statistic = new double[modes];
        this.meansScratch = new double[modes];
        clear();
    }

    /**
     * Adds one spectrum and returns {@link #stationary()}.
     *
     * @throws IllegalArgumentException on a wrong length or a non-finite value
     */
    public boolean add(double[] x) {
        if (x.length != modes) {
            throw new IllegalArgumentException("expected " + modes + " modes, got " + x.length);
        }
        for (double v : x) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("non-finite eigenvalue");
            }
        }
        if (n == 0) {
            System.arraycopy(x, 0, reference, 0, modes);
        }
        for (int i = 0; i < modes; i++) {
            blockSum[i] += x[i] - reference[i];
        }
        n++;
        if (++fill == blockLength) {
            int base = nextSlot * modes;
            for (int i = 0; i < modes; i++) {
                ring[base + i] = blockSum[i] / blockLength;
                blockSum[i] = 0.0;
            }
            fill = 0;
            nextSlot = nextSlot + 1 == blocks ? 0 : nextSlot + 1;
            totalBlocks++;
            evaluate();
        }
        return stationary;
    }

    /** Current decision (changes only at block boundaries). */
    public boolean stationary() {
        return stationary;
    }

    /** Snapshot count at which the current stationary period began, or −1 if not stationary. */
    public long stationarySince() {
        return stationarySince;
    }

    /**
     * True if at least one block is complete and
     * RMS(means − target) / RMS(target) ≤ relTol, with the means over the complete blocks in the
     * window (or RMS(means − target) ≤ relTol if the target is all zero). Allocation-free.
     */
    public boolean nearTarget(double[] target, double relTol) {
        if (target.length != modes) {
            throw new IllegalArgumentException("expected " + modes + " target values, got " + target.length);
        }
        if (totalBlocks == 0) {
            return false;
        }
        fillWindowMeans(meansScratch);
        double scale = rms(target);
        double distance = rmsDistance(meansScratch, target);
        return scale > 0.0 ? distance <= relTol * scale : distance <= relTol;
    }

    /** {@link #stationary()} and {@link #nearTarget(double[], double)}. */
    public boolean converged(double[] target, double relTol) {
        return stationary && nearTarget(target, relTol);
    }

    /**
     * Bonferroni threshold for {@code modes} independent stationary modes: the z with
     * P(max_i |t_i| &gt; z) ≈ p when every t_i is Student t with K − 2 degrees of freedom, i.e. the
     * t quantile at 1 − p/(2·modes). Example: 10 modes, 20 blocks, p = 8.4·10⁻³ gives 4.0 (the
     * default z_enter); p = 1.1·10⁻⁴ gives 6.0 (the default z_exit). Configuration helper; allocates.
     */
    public static double threshold(int modes, int blocks, double falseAlarmProbability) {
        if (modes < 1 || blocks < 4 || !(falseAlarmProbability > 0.0 && falseAlarmProbability < 1.0)) {
            throw new IllegalArgumentException("need modes >= 1, blocks >= 4, 0 < p < 1");
        }
        return new TDistribution(blocks - 2).inverseCumulativeProbability(1.0 - falseAlarmProbability / (2.0 * modes));
    }

    /** RMS distance √(Σ(means_i − target_i)²/n). Inputs not modified. */
    public static double rmsDistance(double[] means, double[] target) {
        if (means.length != target.length || means.length == 0) {
            throw new IllegalArgumentException("lengths differ or empty: " + means.length + ", " + target.length);
        }
        double ss = 0.0;
        for (int i = 0; i < means.length; i++) {
            double d = means[i] - target[i];
            ss += d * d;
        }
        return Math.sqrt(ss / means.length);
    }

    /** Mean of mode {@code mode} over the complete blocks in the window; NaN if there are none. */
    public double windowMean(int mode) {
        Objects.checkIndex(mode, modes);
        int k = completedBlocks();
        if (k == 0) {
            return Double.NaN;
        }
        int oldest = oldestSlot();
        double sum = 0.0;
        for (int j = 0, slot = oldest; j < k; j++, slot = following(slot)) {
            sum += ring[slot * modes + mode];
        }
        return reference[mode] + sum / k;
    }

    /** Copy of the window means of all modes. */
    public double[] windowMeans() {
        double[] out = new double[modes];
        fillWindowMeans(out);
        return out;
    }

    /** |t| of mode {@code mode} at the last evaluation; NaN before K blocks are complete. */
    public double statistic(int mode) {
        Objects.checkIndex(mode, modes);
        return statistic[mode];
    }

    /** max over modes of |t| at the last evaluation; NaN before K blocks are complete. */
    public double maxStatistic() {
        return maxStatistic;
    }

    /** Complete blocks in the window, min(total, K). */
    public int completedBlocks() {
        return (int) Math.min(totalBlocks, blocks);
    }

    public long getN() {
        return n;
    }

    public int modes() {
        return modes;
    }

    /** Forgets all data; keeps the preallocated buffers. */
    public void clear() {
        n = 0;
        fill = 0;
        totalBlocks = 0;
        nextSlot = 0;
        stationary = false;
        exitRun = 0;
        stationarySince = -1;
        maxStatistic = Double.NaN;
        Arrays.fill(blockSum, 0.0);
        Arrays.fill(statistic, Double.NaN);
    }

    /** A copy of the current state (see {@link StationarityState}). */
    public StationarityState state() {
        return new StationarityState(modes, blockLength, blocks, zEnter, zExit, reference, blockSum, ring, statistic,
                n, fill, totalBlocks, nextSlot, stationary, stationarySince, maxStatistic, exitEvaluations, exitRun);
    }

    /**
     * A detector that continues from {@code state}.
     *
     * @throws IllegalArgumentException if the arrays do not fit the state's modes and blocks
     */
    public static StationarityDetector restore(StationarityState state) {
        StationarityDetector t = new StationarityDetector(state.modes(), state.blockLength(), state.blocks(),
                state.zEnter(), state.zExit(), Math.max(1, state.exitEvaluations()));
        t.load(state);
        return t;
    }

    /** Overwrites this detector with {@code state}, which must have its modes, block length and blocks. */
    void load(StationarityState state) {
        double[] saved = state.ring();
        if (state.modes() != modes || state.blockLength() != blockLength || state.blocks() != blocks
                || state.reference().length != modes || state.blockSum().length != modes
                || state.statistic().length != modes || saved.length != ring.length
                || state.fill() < 0 || state.fill() >= blockLength
                || state.nextSlot() < 0 || state.nextSlot() >= blocks
                || (state.exitEvaluations() != 0 && state.exitEvaluations() != exitEvaluations)
                || state.exitRun() < 0) {
            throw new IllegalArgumentException("stationarity state does not fit " + modes + " modes and "
                    + blocks + " blocks of " + blockLength);
        }
        System.arraycopy(state.reference(), 0, reference, 0, modes);
        System.arraycopy(state.blockSum(), 0, blockSum, 0, modes);
        System.arraycopy(state.statistic(), 0, statistic, 0, modes);
        System.arraycopy(saved, 0, ring, 0, ring.length);
        n = state.n();
        fill = state.fill();
        totalBlocks = state.totalBlocks();
        nextSlot = state.nextSlot();
        stationary = state.stationary();
        exitRun = state.exitRun();
        stationarySince = state.stationarySince();
        maxStatistic = state.maxStatistic();
    }

    private void evaluate() {
        if (totalBlocks < blocks) {
            return;
        }
        double max = 0.0;
        for (int i = 0; i < modes; i++) {
            statistic[i] = TrendStatistic.of(ring, modes, i, blocks, oldestSlot(), sxx, reference[i]);
            max = Math.max(max, statistic[i]);
        }
        maxStatistic = max;
        exitRun = stationary && max > zExit ? exitRun + 1 : 0;
        if (stationary && exitRun >= exitEvaluations) {
            stationary = false;
            exitRun = 0;
            stationarySince = -1;
        } else if (!stationary && max <= zEnter) {
            stationary = true;
            stationarySince = n;
        }
    }

    private void fillWindowMeans(double[] out) {
        for (int i = 0; i < modes; i++) {
            out[i] = windowMean(i);
        }
    }

    private static double rms(double[] v) {
        double ss = 0.0;
        for (double x : v) {
            ss += x * x;
        }
        return Math.sqrt(ss / v.length);
    }

    private int oldestSlot() {
        return totalBlocks < blocks ? 0 : nextSlot;
    }

    private int following(int slot) {
        return slot + 1 == blocks ? 0 : slot + 1;
    }
}
