package org.dysonmonitor.train;

/**
 * Free scalar field on a periodic one-dimensional lattice of N sites: the target distribution
 * p(φ) ∝ exp(−½ φᵀKφ) of the scalar-field RBM (physics.md §5), with kernel
 * <pre>
 *   K = −∇²_lat + m²,   (Kφ)_i = (m² + 2) φ_i − φ_{i+1} − φ_{i−1}   (indices mod N),
 * </pre>
 * a circulant matrix diagonalised by plane waves, with eigenvalues (the free lattice dispersion)
 * <pre>
 *   κ_k = m² + 2 − 2 cos(2πk/N) = m² + 4 sin²(πk/N),   k = 0..N−1,
 * </pre>
 * doubly degenerate for k ↔ N−k. The exact target covariance is
 * <pre>
 *   ⟨φ_i φ_j⟩_target = (K⁻¹)_ij = (1/N) Σ_k cos(2πk(i−j)/N) / κ_k .
 * </pre>
 * Immutable.
 */
public final class ScalarFieldTarget {

    private final int sites;
    private final double mass2;
    private final double[] kappa;
    private final double[] kernel;
    private final double[] covariance;

    /**
     * @param sites number of lattice sites N ≥ 1
     * @param mass2 m² &gt; 0 (so that K is positive definite: κ_min = m²)
     * @throws IllegalArgumentException on invalid arguments
     */
    public ScalarFieldTarget(int sites, double mass2) {
        if (sites < 1) {
            throw new IllegalArgumentException("lattice sites must be >= 1, got " + sites);
        }
        if (!(mass2 > 0) || Double.isInfinite(mass2)) {
            throw new IllegalArgumentException(
                    "target mass m^2 must be finite and > 0 (K = -Laplacian + m^2 positive definite), got " + mass2);
        }
        this.sites = sites;
        this.mass2 = mass2;
        this.kappa = new double[sites];
        double[] byMomentum = new double[sites];
        for (int k = 0; k < sites; k++) {
            // 4 sin²(πk'/N) with k' = min(k, N−k): exactly degenerate pairs and no cancellation
            // in 2 − 2cos θ for small θ.
            int kk = Math.min(k, sites - k);
            double s = Math.sin(Math.PI * kk / sites);
            byMomentum[k] = mass2 + 4.0 * s * s;
        }
        System.arraycopy(byMomentum, 0, kappa, 0, sites);
        java.util.Arrays.sort(kappa);

        this.kernel = new double[sites * sites];
        for (int i = 0; i < sites; i++) {
            kernel[i * sites + i] += mass2 + 2.0;
            // Each neighbour contributes −1 separately: for N = 1, 2 the two neighbours coincide.
            kernel[i * sites + Math.floorMod(i + 1, sites)] -= 1.0;
            kernel[i * sites + Math.floorMod(i - 1, sites)] -= 1.0;
        }

        // Circulant inverse: c(d) = (1/N) Σ_k cos(2πkd/N)/κ_k, (K⁻¹)_ij = c((i − j) mod N).
        // c(d) = c(N − d); computed for d ≤ N/2 only, so that K⁻¹ is exactly symmetric.
        double[] c = new double[sites];
        for (int d = 0; d <= sites / 2; d++) {
            double sum = 0.0;
            for (int k = 0; k < sites; k++) {
                sum += Math.cos(2.0 * Math.PI * (((long) k * d) % sites) / sites) / byMomentum[k];
            }
            c[d] = sum / sites;
            c[(sites - d) % sites] = c[d];
        }
        this.covariance = new double[sites * sites];
        for (int i = 0; i < sites; i++) {
            for (int j = 0; j < sites; j++) {
                covariance[i * sites + j] = c[Math.floorMod(i - j, sites)];
            }
        }
    }

    /** Number of lattice sites N. */
    public int sites() {
        return sites;
    }

    /** Target mass squared m². */
    public double mass2() {
        return mass2;
    }

    /** The eigenvalues κ_k of K, ascending (a fresh array of length N). */
    public double[] kappa() {
        return kappa.clone();
    }

    /** The kernel K = −∇²_lat + m², row-major N × N (a fresh array). */
    public double[] kernel() {
        return kernel.clone();
    }

    /** The exact covariance ⟨φφᵀ⟩_target = K⁻¹, row-major N × N, symmetric circulant (a fresh array). */
    public double[] covariance() {
        return covariance.clone();
    }
}
