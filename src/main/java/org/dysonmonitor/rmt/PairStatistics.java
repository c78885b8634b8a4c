package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.Objects;

import static org.dysonmonitor.rmt.PairSums.FIELDS;

/**
 * Statistics of one degenerate eigenvalue pair collected across snapshots of one run and, by
 * {@link #merge}, across independent runs (physics.md §3).
 *
 * <p>Per snapshot the pair (x_l, x_u) = (x[lower], x[upper]) of an ascending spectrum gives
 * <ul>
 *   <li>the spacing S = x_u − x_l = |x₁ − x₂|;</li>
 *   <li>two values u = x − κ of the one-eigenvalue distribution ρ(u). <b>Both</b> eigenvalues are
 *   pooled: the pooled histogram is ρ(u), whereas the lower (or upper) level alone is shifted by
 *   ∓⟨S⟩/2 — ordering the eigenvalues by hand biases the density (physics.md §3).</li>
 * </ul>
 * Estimates over N snapshots:
 * <pre>
 *   σ̂²      = ⟨S²⟩/4                       (maximum likelihood for P(S) = S/(2σ²) e^{−S²/(4σ²)})
 *   ⟨S⟩                                    (= √π σ)
 *   ⟨s²⟩    = ⟨S²⟩/⟨S⟩²                     (= 4/π for the Wigner surmise)
 *   U₄      = ⟨u⁴⟩/(3⟨u²⟩²) − 1             (= −4/27), u about κ or about the pooled sample mean
 *   centre  = ⟨(x_l + x_u)/2⟩
 * </pre>
 * The centre κ is either the known target value or, when {@code Double.NaN}, the pooled sample
 * mean. Power sums Σw^k (k ≤ 4) are kept for w = x − shift, where shift = κ if known, else the
 * centre of the first snapshot; central moments then follow from
 * m₂ = ⟨w²⟩ − w̄², m₄ = ⟨w⁴⟩ − 4w̄⟨w³⟩ + 6w̄²⟨w²⟩ − 3w̄⁴ without cancellation because w = O(σ).
 *
 * <p><b>Errors.</b> Consecutive snapshots of a run are autocorrelated, so errors come from a
 * blocked (delete-a-block) jackknife. Storage is a fixed number B of blocks ("rebinning"): the
 * block length starts at {@code initialBlockLength}; when all B blocks are full, adjacent blocks are
 * summed pairwise in place (B → B/2 blocks of twice the length) and filling continues. Memory is
 * O(B) for any number of snapshots, no allocation happens on {@link #add}, and after N ≥ B·L₀
 * snapshots there are between B/2 and B blocks, each of length ≈ N/B…2N/B — longer than any
 * autocorrelation time τ_int once N ≫ B·τ_int. The last block may be partial, and merged runs
 * contribute blocks of other lengths, so the jackknife is the delete-m_j jackknife for unequal
 * groups (Busing, Meijer, van der Leeden, Stat. Comput. 9 (1999) 3; {@link UnequalBlockJackknife}),
 * which reduces to the usual (g−1)/g Σ(θ̂_{−j} − θ̄)² for equal blocks. With fewer than 2 blocks
 * the errors are NaN. Below B·L₀ snapshots blocks are L₀ long: choose L₀ ≳ 2τ_int (see
 * {@link AutocorrelationTime}) if errors are needed that early.
 *
 * <p><b>Live histograms.</b> No history is stored; the last {@code reservoirCapacity} spacings are
 * kept in a ring buffer for {@link #recentRescaledSpacings(int)}.
 *
 * <p>Not thread-safe: owned by one actor. Inputs are never modified.
 */
public final class PairStatistics {

    /** Default number of jackknife blocks B; between B/2 = 32 and 64 blocks are in use. */
    public static final int DEFAULT_BLOCKS = 64;

    /** Default capacity of the recent-spacing ring buffer. */
    public static final int DEFAULT_RESERVOIR_CAPACITY = 4096;

    private final DegeneratePair pair;
    private final double centre;
    private final boolean knownCentre;
    private final int maxBlocks;
    private final long initialBlockLength;
    private final double[] totals = new double[FIELDS];
    /** Block sums, block-major: blocks[block * FIELDS + field]. */
    private final double[] blocks;
    /** Leave-one-block-out sums, reused by every jackknife query. */
    private final double[] scratch = new double[FIELDS];
    private final double[] reservoir;

    private double shift;
    private long count;
    private int used;
    private long blockLength;
    private int reservoirNext;
    private int reservoirSize;

    /** Defaults: {@value #DEFAULT_BLOCKS} blocks starting at length 1, reservoir {@value #DEFAULT_RESERVOIR_CAPACITY}. */
    public PairStatistics(DegeneratePair pair, double centre) {
        this(pair, centre, DEFAULT_BLOCKS, 1, DEFAULT_RESERVOIR_CAPACITY);
    }

    /** Default blocks, with the given capacity of the recent-spacing ring buffer. */
    public PairStatistics(DegeneratePair pair, double centre, int reservoirCapacity) {
        this(pair, centre, DEFAULT_BLOCKS, 1, reservoirCapacity);
    }

    /**
     * @param pair               the mode indices
     * @param centre             known target κ, or {@code Double.NaN} to use the pooled sample mean
     * @param blocks             maximum number B of jackknife blocks, even and ≥ 4
     * @param initialBlockLength block length L₀ ≥ 1 before the first rebinning
     * @param reservoirCapacity  number of recent spacings kept, ≥ 0
     */
    public PairStatistics(DegeneratePair pair, double centre, int blocks, int initialBlockLength,
                          int reservoirCapacity) {
        this.pair = Objects.requireNonNull(pair, "pair");
        if (Double.isInfinite(centre)) {
            throw new IllegalArgumentException("centre must be finite or NaN");
        }
        if (blocks < 4 || blocks % 2 != 0) {
            throw new IllegalArgumentException("blocks must be even and >= 4: " + blocks);
        }
        if (initialBlockLength < 1 || reservoirCapacity < 0) {
            throw new IllegalArgumentException("need initialBlockLength >= 1 and reservoirCapacity >= 0");
        }
        this.centre = centre;
        this.knownCentre = !Double.isNaN(centre);
        this.maxBlocks = blocks;
        this.initialBlockLength = initialBlockLength;
        this.blocks = new double[blocks * FIELDS];
        this.reservoir = new double[reservoirCapacity];
        clear();
    }

    /**
     * Adds one snapshot: reads x[lower] and x[upper] (the array is not modified or retained).
     * Allocation-free.
     *
     * @throws IllegalArgumentException if the spectrum is too short or the pair is not finite
     */
    public void add(double[] ascendingSpectrum) {
        if (ascendingSpectrum.length <= pair.upper()) {
            throw new IllegalArgumentException("spectrum of length " + ascendingSpectrum.length
                    + " has no mode " + pair.upper());
        }
        double lo = ascendingSpectrum[pair.lower()];
        double hi = ascendingSpectrum[pair.upper()];
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            // One NaN would poison every power sum for the rest of the run.
            throw new IllegalArgumentException("non-finite eigenvalue in pair " + pair.label());
        }
        if (Double.isNaN(shift)) {
            shift = 0.5 * (lo + hi);
        }
        // abs: a spectrum that is not exactly ascending (e.g. after rounding) still gives S ≥ 0.
        double s = Math.abs(hi - lo);
        double a = lo - shift;
        double b = hi - shift;
        openBlockIfFull();
        PairSums.accumulate(totals, 0, s, a, b);
        PairSums.accumulate(blocks, (used - 1) * FIELDS, s, a, b);
        count++;
        if (reservoir.length > 0) {
            reservoir[reservoirNext] = s;
            reservoirNext = reservoirNext + 1 == reservoir.length ? 0 : reservoirNext + 1;
            reservoirSize = Math.min(reservoirSize + 1, reservoir.length);
        }
    }

    /**
     * Pools an independent run of the same pair and centre into this one, as if its snapshots
     * followed this run's. Its blocks are appended (rebinning as needed), so block boundaries
     * separate the runs. {@code other} is not modified.
     *
     * @throws IllegalArgumentException for a different pair, a different centre, or {@code this}
     */
    public void merge(PairStatistics other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge with itself");
        }
        if (!pair.equals(other.pair) || Double.compare(centre, other.centre) != 0) {
            throw new IllegalArgumentException("merging " + other.pair.label() + " (centre " + other.centre
                    + ") into " + pair.label() + " (centre " + centre + ")");
        }
        if (other.count == 0) {
            return;
        }
        if (Double.isNaN(shift)) {
            shift = other.shift;
        }
        double d = other.shift - shift; // 0 for a known centre
        PairSums.addShifted(other.totals, 0, d, totals, 0);
        blockLength = Math.max(blockLength, other.blockLength);
        for (int j = 0; j < other.used; j++) {
            if (used == maxBlocks) {
                rebin();
            }
            int off = used * FIELDS;
            Arrays.fill(blocks, off, off + FIELDS, 0.0);
            PairSums.addShifted(other.blocks, j * FIELDS, d, blocks, off);
            used++;
        }
        count += other.count;
        for (int k = 0; k < other.reservoirSize && reservoir.length > 0; k++) {
            int idx = Math.floorMod(other.reservoirNext - other.reservoirSize + k, other.reservoir.length);
            reservoir[reservoirNext] = other.reservoir[idx];
            reservoirNext = reservoirNext + 1 == reservoir.length ? 0 : reservoirNext + 1;
            reservoirSize = Math.min(reservoirSize + 1, reservoir.length);
        }
    }

    /** Forgets all data; keeps the preallocated buffers. */
    public void clear() {
        Arrays.fill(totals, 0.0);
        Arrays.fill(blocks, 0.0);
        shift = knownCentre ? centre : Double.NaN;
        count = 0;
        used = 0;
        blockLength = initialBlockLength;
        reservoirNext = 0;
        reservoirSize = 0;
    }

    public DegeneratePair pair() {
        return pair;
    }

    /** The known centre κ, or NaN if the pooled sample mean is used. */
    public double centre() {
        return centre;
    }

    /** Number of snapshots. */
    public long count() {
        return count;
    }

    /** Same as {@link #count()}, in Commons Math naming. */
    public long getN() {
        return count;
    }

    /** Current jackknife block length (doubles at every rebinning). */
    public long blockLength() {
        return blockLength;
    }

    /** Number of jackknife blocks in use, the last possibly partial. */
    public int blockCount() {
        return used;
    }

    /** σ̂² = ⟨S²⟩/4. */
    public double sigmaSquared() {
        return estimate(PairSums.SIGMA_SQUARED, totals);
    }

    /** ⟨S⟩. */
    public double meanSpacing() {
        return estimate(PairSums.MEAN_SPACING, totals);
    }

    /** ⟨s²⟩ = ⟨S²⟩/⟨S⟩²; 4/π for the Wigner surmise. */
    public double rescaledSpacingSquared() {
        return estimate(PairSums.RESCALED_SPACING_SQUARED, totals);
    }

    /** U₄ = m₄/(3m₂²) − 1 of both eigenvalues pooled, about κ, or about the pooled mean if κ is NaN. */
    public double binderCumulant() {
        return estimate(PairSums.BINDER, totals);
    }

    /** ⟨(x_l + x_u)/2⟩. */
    public double meanCentre() {
        return estimate(PairSums.MEAN_CENTRE, totals);
    }

    /** Blocked-jackknife standard error of {@link #sigmaSquared()}. */
    public double sigmaSquaredError() {
        return jackknifeError(PairSums.SIGMA_SQUARED);
    }

    /** Blocked-jackknife standard error of {@link #meanSpacing()}. */
    public double meanSpacingError() {
        return jackknifeError(PairSums.MEAN_SPACING);
    }

    /** Blocked-jackknife standard error of {@link #rescaledSpacingSquared()}. */
    public double rescaledSpacingSquaredError() {
        return jackknifeError(PairSums.RESCALED_SPACING_SQUARED);
    }

    /** Blocked-jackknife standard error of {@link #binderCumulant()}. */
    public double binderCumulantError() {
        return jackknifeError(PairSums.BINDER);
    }

    /** Blocked-jackknife standard error of {@link #meanCentre()}. */
    public double meanCentreError() {
        return jackknifeError(PairSums.MEAN_CENTRE);
    }

    /**
     * The most recent min(max, stored) spacings, oldest first, each divided by the mean of the
     * returned values, so that ⟨s⟩ = 1 and the histogram is directly comparable with
     * P(s) = (π/2) s e^{−πs²/4} even while σ still drifts. Allocates the returned array.
     */
    public double[] recentRescaledSpacings(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0: " + max);
        }
        int k = Math.min(max, reservoirSize);
        double[] out = new double[k];
        double sum = 0.0;
        for (int i = 0; i < k; i++) {
            out[i] = reservoir[Math.floorMod(reservoirNext - k + i, reservoir.length)];
            sum += out[i];
        }
        if (sum > 0.0) {
            double inv = k / sum;
            for (int i = 0; i < k; i++) {
                out[i] *= inv;
            }
        }
        return out;
    }

    /**
     * Everything the accumulator holds, as an immutable value (arrays are copied in and out), for
     * checkpoints: {@link #restore(State)} continues exactly where {@link #state()} was taken (the
     * power sums and jackknife blocks are copied, not recomputed).
     */
    public record State(DegeneratePair pair, double centre, int maxBlocks, long initialBlockLength,
                        double[] totals, double[] blocks, double[] reservoir, double shift, long count,
                        int used, long blockLength, int reservoirNext, int reservoirSize) {

        public State {
            totals = totals.clone();
            blocks = blocks.clone();
            reservoir = reservoir.clone();
        }

        @Override
        public double[] totals() {
            return totals.clone();
        }

        @Override
        public double[] blocks() {
            return blocks.clone();
        }

        @Override
        public double[] reservoir() {
            return reservoir.clone();
        }
    }

    /** A copy of the current state (see {@link State}). */
    public State state() {
        return new State(pair, centre, maxBlocks, initialBlockLength, totals, blocks, reservoir, shift, count,
                used, blockLength, reservoirNext, reservoirSize);
    }

    /**
     * An accumulator that continues from {@code state}.
     *
     * @throws IllegalArgumentException if the arrays do not fit the state's blocks and reservoir
     */
    public static PairStatistics restore(State state) {
        if (state.initialBlockLength() < 1 || state.initialBlockLength() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("initial block length out of range: " + state.initialBlockLength());
        }
        PairStatistics p = new PairStatistics(state.pair(), state.centre(), state.maxBlocks(),
                (int) state.initialBlockLength(), state.reservoir().length);
        if (state.totals().length != FIELDS || state.blocks().length != p.blocks.length
                || state.used() < 0 || state.used() > p.maxBlocks || state.blockLength() < 1
                || state.reservoirSize() < 0 || state.reservoirSize() > p.reservoir.length
                || state.reservoirNext() < 0 || state.reservoirNext() > Math.max(0, p.reservoir.length - 1)) {
            throw new IllegalArgumentException("pair state of " + state.pair().label() + " is inconsistent");
        }
        System.arraycopy(state.totals(), 0, p.totals, 0, FIELDS);
        System.arraycopy(state.blocks(), 0, p.blocks, 0, p.blocks.length);
        System.arraycopy(state.reservoir(), 0, p.reservoir, 0, p.reservoir.length);
        p.shift = state.shift();
        p.count = state.count();
        p.used = state.used();
        p.blockLength = state.blockLength();
        p.reservoirNext = state.reservoirNext();
        p.reservoirSize = state.reservoirSize();
        return p;
    }

    private void openBlockIfFull() {
        if (used > 0 && blocks[(used - 1) * FIELDS + PairSums.N] < blockLength) {
            return;
        }
        if (used == maxBlocks) {
            rebin();
        }
        Arrays.fill(blocks, used * FIELDS, (used + 1) * FIELDS, 0.0);
        used++;
    }

    /** Halves the blocks in use (see {@link PairSums#rebinPairwise}); each is now twice as long. */
    private void rebin() {
        used = PairSums.rebinPairwise(blocks, used);
        blockLength *= 2;
    }

    private double estimate(int observable, double[] sums) {
        return PairSums.estimate(observable, sums, shift, knownCentre);
    }

    private double jackknifeError(int observable) {
        return UnequalBlockJackknife.standardError(totals, blocks, used, FIELDS, scratch,
                sums -> estimate(observable, sums));
    }
}
