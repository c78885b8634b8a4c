package org.dysonmonitor.rmt;

/**
 * The one-mode Fokker–Planck equation as a bound-state problem (the talk in the project's seed; Risken,
 * "The Fokker–Planck Equation", §5.4).
 *
 * <p>For ∂_τP = ∂_x(g²∂_x + V′)P (drift K = −V′, constant diffusion g²), P = √P_s ψ with
 * P_s ∝ e^{−V/g²} turns the equation into ∂_τψ = −2H_FP ψ with
 * <pre>
 *   H_FP = −(g²/2)∂_x² + U(x),   U = [(V′)²/8 − g²V″/4]/g²,   H_FP = ½L†L,  L = g∂_x + V′/(2g),
 * </pre>
 * so E_0 = 0 with ψ_0 = √P_s, and every other eigenstate relaxes as e^{−2E_nτ}: the gap sets the
 * relaxation rate 2E_1 (harmonic V = ½Ωx²: E_n = nΩ/2, rate Ω). In the stationary state the
 * autocorrelation of x is C(τ) = Σ_{n≥1} |⟨n|x|0⟩|² e^{−2E_nτ}, hence its integrated autocorrelation time
 * <pre>
 *   τ_x = Σ_{n≥1} w_n/(2E_n) / Σ_{n≥1} w_n,   w_n = |⟨n|x|0⟩|²,   Σ_{n≥1} w_n = Var_{P_s}(x),
 * </pre>
 * which differs from 1/(2E_1) when the potential is anharmonic (x couples to higher states) or when E_1
 * belongs to a state x hardly couples to (a second well).
 *
 * <p>Discretisation: second-order central differences on N equally spaced interior points of [a, b],
 * h = (b − a)/(N + 1), with Dirichlet conditions ψ(a) = ψ(b) = 0 (exact for a domain end where P_s is
 * negligible, or at an infinite wall); the symmetric tridiagonal matrix has diagonal g²/h² + U(x_j) and
 * off-diagonal −g²/(2h²); its lowest states come from {@link SymmetricTridiagonalEigen}. E_0 and
 * ⟨ψ_0, √P_s⟩ − 1 are then O(h²) plus the boundary error P_s(a or b)/max P_s. Time is in the units of the
 * potential's drift (per update for a per-update drift). Immutable.
 */
public final class FokkerPlanckSpectrum {

    private final double[] grid;
    private final double step;
    private final double[] energies;
    private final double[][] states;
    private final double[] rootDensity;

    /**
     * @param potential V, V′, V″
     * @param g2        the diffusion g² (&gt; 0)
     * @param from      a, left end of the domain
     * @param to        b &gt; a, right end
     * @param points    N interior grid points (≥ 3)
     * @param count     number of lowest states (2 ≤ count ≤ N)
     */
    public FokkerPlanckSpectrum(OneModePotential potential, double g2, double from, double to, int points, int count) {
        if (!(g2 > 0) || !(to > from) || points < 3 || count < 2 || count > points) {
            throw new IllegalArgumentException("need g2 > 0, to > from, points >= 3, 2 <= count <= points; got "
                    + g2 + ", [" + from + ", " + to + "], " + points + ", " + count);
        }
        step = (to - from) / (points + 1);
        grid = new double[points];
        double[] diagonal = new double[points];
        double[] off = new double[points - 1];
        double kinetic = g2 / (step * step);
        double vMin = Double.POSITIVE_INFINITY;
        for (int j = 0; j < points; j++) {
            double x = from + (j + 1) * step;
            grid[j] = x;
            double slope = potential.slope(x);
            diagonal[j] = kinetic + (slope * slope / 8 - g2 * potential.curvature(x) / 4) / g2;
            vMin = Math.min(vMin, potential.value(x));
        }
        java.util.Arrays.fill(off, -0.5 * kinetic);
        SymmetricTridiagonalEigen eigen = new SymmetricTridiagonalEigen(diagonal, off, count);
        energies = eigen.values();
        states = new double[count][];
        double scale = 1 / Math.sqrt(step);
        for (int k = 0; k < count; k++) {
            double[] v = eigen.vector(k);
            for (int j = 0; j < points; j++) {
                v[j] *= scale; // normalised as ∫ψ² dx = Σψ²h = 1
            }
            states[k] = v;
        }
        rootDensity = new double[points];
        double norm = 0;
        for (int j = 0; j < points; j++) {
            double p = Math.exp(-(potential.value(grid[j]) - vMin) / g2);
            rootDensity[j] = Math.sqrt(p);
            norm += p * step;
        }
        for (int j = 0; j < points; j++) {
            rootDensity[j] /= Math.sqrt(norm);
        }
    }

    /** E_0 ≤ E_1 ≤ … of H_FP (E_0 = 0 up to discretisation). */
    public double[] energies() {
        return energies.clone();
    }

    /** E_1 − E_0. */
    public double gap() {
        return energies[1] - energies[0];
    }

    /** 1/(2(E_1 − E_0)): the slowest relaxation time of any initial density. */
    public double gapRelaxationTime() {
        return 1 / (2 * gap());
    }

    /** ⟨ψ_0, √P_s⟩ with both normalised: 1 when the ground state is √P_s. */
    public double groundStateOverlap() {
        double s = 0;
        for (int j = 0; j < grid.length; j++) {
            s += states[0][j] * rootDensity[j] * step;
        }
        return s;
    }

    /** The grid points x_j. */
    public double[] grid() {
        return grid.clone();
    }

    /** ψ_k on the grid, ∫ψ² = 1, sign fixed by a non-negative sum. */
    public double[] state(int k) {
        return states[k].clone();
    }

    /** P_s(x_j) ∝ e^{−V/g²}, normalised on the grid (∫P_s = 1). */
    public double[] stationaryDensity() {
        double[] p = new double[grid.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = rootDensity[j] * rootDensity[j];
        }
        return p;
    }

    /** Var_{P_s}(x) on the grid. */
    public double stationaryVariance() {
        double m = 0;
        double m2 = 0;
        for (int j = 0; j < grid.length; j++) {
            double p = rootDensity[j] * rootDensity[j] * step;
            m += p * grid[j];
            m2 += p * grid[j] * grid[j];
        }
        return m2 - m * m;
    }

    /** w_n = |⟨n|x|0⟩|² for the computed states n ≥ 1 (index 0 holds 0). */
    public double[] positionWeights() {
        double[] w = new double[states.length];
        for (int n = 1; n < states.length; n++) {
            double s = 0;
            for (int j = 0; j < grid.length; j++) {
                s += states[n][j] * grid[j] * states[0][j] * step;
            }
            w[n] = s * s;
        }
        return w;
    }

    /**
     * τ_x = Σ w_n/(2E_n) / Σ w_n over the computed states n ≥ 1 (energies measured from E_0): the integrated
     * autocorrelation time of x in the stationary state. {@link #capturedVariance()} says how much of
     * Var(x) those states carry.
     */
    public double positionAutocorrelationTime() {
        double[] w = positionWeights();
        double num = 0;
        double den = 0;
        for (int n = 1; n < w.length; n++) {
            num += w[n] / (2 * (energies[n] - energies[0]));
            den += w[n];
        }
        return num / den;
    }

    /** Σ_{computed n≥1} w_n / Var_{P_s}(x): the fraction of x's fluctuation the computed states describe. */
    public double capturedVariance() {
        double[] w = positionWeights();
        double s = 0;
        for (int n = 1; n < w.length; n++) {
            s += w[n];
        }
        return s / stationaryVariance();
    }
}
