package org.dysonmonitor.train;

import java.util.SplittableRandom;

/**
 * The block-Gibbs sampler of {@link RbmTrainer}'s |B| persistent chains (physics.md §5):
 * <pre>
 *   h | φ ~ N(η + σ_h² Wᵀφ, σ_h² 𝟙),      φ | h ~ N(W h / μ², μ⁻² 𝟙).
 * </pre>
 * Draws from the trainer's random stream, per sweep the N_h·|B| hidden normals (unit-major, chain
 * innermost), then the N_v·|B| visible normals (site-major, chain innermost). Owns the hidden
 * samples; allocation-free after construction. Not thread-safe.
 */
final class BlockGibbsSampler {

    private final SplittableRandom rng;
    private final int nv;
    private final int nh;
    private final int batch;
    private final int sweeps;
    private final double sigmaH;
    private final double sigmaH2;
    private final double eta;
    private final double invMu2;
    private final double invMu;
    /** Hidden samples of all chains, unit-major: h_a of chain b at a·|B| + b. */
    private final double[] hidden;

    BlockGibbsSampler(SplittableRandom rng, int nv, int nh, int batch, int sweeps, double mu2, double sigmaH,
                      double eta) {
        this.rng = rng;
        this.nv = nv;
        this.nh = nh;
        this.batch = batch;
        this.sweeps = sweeps;
        this.sigmaH = sigmaH;
        this.sigmaH2 = sigmaH * sigmaH;
        this.eta = eta;
        this.invMu2 = 1.0 / mu2;
        this.invMu = 1.0 / Math.sqrt(mu2);
        this.hidden = new double[nh * batch];
    }

    /**
     * k block-Gibbs sweeps on all chains at once: H = η + σ_h² WᵀΦ + σ_h Z, then Φ = W H / μ² + μ⁻¹ Z'
     * (Φ: N_v × |B|, H: N_h × |B|, Z, Z' standard normal).
     */
    void sweep(double[] w, double[] chains) {
        for (int s = 0; s < sweeps; s++) {
            // h | φ ~ N(η + σ_h² Wᵀφ, σ_h² 𝟙): (Wᵀ)_{ai} = W[i·N_h + a], row stride 1, column stride N_h
            sample(w, 1, nh, nh, nv, chains, hidden, sigmaH2, eta, sigmaH);
            // φ | h ~ N(W h / μ², μ⁻² 𝟙): W_{ia} = W[i·N_h + a], row stride N_h, column stride 1
            sample(w, nh, 1, nv, nh, hidden, chains, invMu2, 0.0, invMu);
        }
    }

    /**
     * out = shift + scale · M in + sd · Z for all chains, with M (rows × inner) read from {@code m} at
     * r·rowStride + c·colStride, {@code in} inner × |B| and {@code out} rows × |B|, both chain-innermost.
     * Four chains are accumulated at once in registers (independent add chains, no stores in the inner
     * loop): about twice as fast as an axpy formulation at |B| = 16. Normals are drawn in output order
     * (row-major, chain innermost). {@code out} is overwritten; {@code in} must be a different array.
     */
    private void sample(double[] m, int rowStride, int colStride, int rows, int inner,
                        double[] in, double[] out, double scale, double shift, double sd) {
        final int nb = batch;
        for (int r = 0; r < rows; r++) {
            final int rowM = r * rowStride;
            final int rowOut = r * nb;
            int b = 0;
            for (; b + 4 <= nb; b += 4) {
                double s0 = 0.0;
                double s1 = 0.0;
                double s2 = 0.0;
                double s3 = 0.0;
                for (int c = 0; c < inner; c++) {
                    final double v = m[rowM + c * colStride];
                    final int at = c * nb + b;
                    s0 += v * in[at];
                    s1 += v * in[at + 1];
                    s2 += v * in[at + 2];
                    s3 += v * in[at + 3];
                }
                out[rowOut + b] = shift + scale * s0 + sd * rng.nextGaussian();
                out[rowOut + b + 1] = shift + scale * s1 + sd * rng.nextGaussian();
                out[rowOut + b + 2] = shift + scale * s2 + sd * rng.nextGaussian();
                out[rowOut + b + 3] = shift + scale * s3 + sd * rng.nextGaussian();
            }
            for (; b < nb; b++) {
                double s0 = 0.0;
                for (int c = 0; c < inner; c++) {
                    s0 += m[rowM + c * colStride] * in[c * nb + b];
                }
                out[rowOut + b] = shift + scale * s0 + sd * rng.nextGaussian();
            }
        }
    }
}
