package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RbmTrainerTest {

    @Test
    void targetSpectrumIsMu2MinusKappa() {
        RbmTrainer t = new RbmTrainer(RbmConfig.defaults());
        // physics.md §5: x_i = (μ² − κ_i)/σ_h² = 9 − κ_i, ascending
        double[] expected = {1, 9 - 7.618034, 9 - 7.618034, 9 - 6.618034, 9 - 6.618034,
            9 - 5.381966, 9 - 5.381966, 9 - 4.381966, 9 - 4.381966, 5};
        assertArrayEquals(expected, t.targetSpectrum(), 1e-6);
        assertEquals("rbm", t.model());
        assertEquals(9.0, t.mu2());
        assertEquals(1.0, t.sigmaH());
        assertTrue(t.stable());
    }

    @Test
    void targetSpectrumForOtherShapesAndMasses() {
        // σ_h = 2: x = (μ² − κ)/4
        double[] sigma2 = new RbmTrainer(RbmConfig.defaults().withSigmaH(2).withInitStd(0.05)).targetSpectrum();
        assertEquals(5.0 / 4, sigma2[9], 1e-12);
        // N_h = 4 < N_v: the four smallest κ (4, 4.382, 4.382, 5.382) are learned
        assertArrayEquals(new double[] {9 - 5.381966, 9 - 4.381966, 9 - 4.381966, 5},
                new RbmTrainer(RbmConfig.defaults().withHidden(4)).targetSpectrum(), 1e-6);
        // N_v = 4 < N_h = 6: κ = 4, 6, 6, 8 learned, plus N_h − N_v exact zeros (rank WᵀW ≤ N_v)
        assertArrayEquals(new double[] {0, 0, 1, 3, 3, 5},
                new RbmTrainer(RbmConfig.defaults().withVisible(4).withHidden(6)).targetSpectrum(), 1e-12);
        // μ² = 7 < κ for κ = 7.618, 8: those modes sit at the boundary x = 0
        assertArrayEquals(new double[] {0, 0, 0, 7 - 6.618034, 7 - 6.618034, 7 - 5.381966, 7 - 5.381966,
            7 - 4.381966, 7 - 4.381966, 3},
                new RbmTrainer(RbmConfig.defaults().withMu2(7)).targetSpectrum(), 1e-6);
        // a fixed hidden bias η ≠ 0 moves the fixed point (not known in closed form)
        assertNull(new RbmTrainer(RbmConfig.defaults().withEta(0.5)).targetSpectrum());
    }

    /**
     * Exact covariance of the model under σ_h: with W' = σ_h W and h' = h/σ_h the sampler and the update
     * are those of σ_h = 1 with α' = α σ_h² (derivation in RbmTrainer's Javadoc). For σ_h = 2, 1/2 every
     * rescaling is by a power of two, hence exact in floating point: the weights must agree bit for bit.
     * A misplaced σ_h factor in either conditional or in ΔW breaks this identity.
     */
    @Test
    void hiddenScaleIsAnExactReparametrisation() {
        RbmTrainer one = new RbmTrainer(RbmConfig.defaults().withSeed(7));
        RbmTrainer two = new RbmTrainer(RbmConfig.defaults().withSeed(7).withSigmaH(2)
                .withLearningRate(0.025).withInitStd(0.05));
        RbmTrainer half = new RbmTrainer(RbmConfig.defaults().withSeed(7).withSigmaH(0.5)
                .withLearningRate(0.4).withInitStd(0.2));
        for (int i = 0; i < 3000; i++) {
            one.step();
            two.step();
            half.step();
        }
        double[] w1 = one.weights();
        double[] w2 = two.weights();
        double[] wHalf = half.weights();
        for (int i = 0; i < w1.length; i++) {
            assertEquals(w1[i], 2 * w2[i], 0.0);
            assertEquals(w1[i], 0.5 * wHalf[i], 0.0);
        }
    }

    /**
     * The negative phase samples the model: with α so small that W is frozen (drift α·steps ~ 1e-5), the
     * realised update G = ΔW/α averages to the exact likelihood gradient
     * <pre>
     *   E[G] = σ_h² (K_target⁻¹ − K⁻¹ − m mᵀ) W − m (η𝟙)ᵀ,   K = μ²𝟙 − σ_h² W Wᵀ,  m = K⁻¹ W η𝟙,
     * </pre>
     * with ⟨φφᵀ⟩_model = K⁻¹ + m mᵀ from the Gibbs chains. A non-square W, σ_h = 1.5, k = 2 and |B| = 5
     * exercise every stride and remainder loop. Tolerance: 5 block-jackknife standard errors (20 blocks of
     * 1000 updates; the chains decorrelate within a few updates, spectral radius σ_h²x_max/μ² ≈ 0.3 per
     * sweep) plus 1e-6 for the rounding of ΔW/α (ulp(W)/α ≈ 3e-8).
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.3})
    void negativePhaseReproducesTheModelCovariance(double eta) {
        int nv = 10;
        int nh = 6;
        double sigma2 = 1.5 * 1.5;
        double alpha = 1e-9;
        RbmConfig config = new RbmConfig(nv, nh, 9.0, 1.5, eta, 4.0, 0.2, 5, alpha, 2, 21);
        RbmTrainer t = new RbmTrainer(config);
        for (int i = 0; i < 200; i++) {
            t.step();
        }
        DMatrixRMaj w = new DMatrixRMaj(nv, nh, true, t.weights());
        DMatrixRMaj k = new DMatrixRMaj(nv, nv);
        CommonOps_DDRM.multTransB(-sigma2, w, w, k);
        for (int i = 0; i < nv; i++) {
            k.add(i, i, 9.0);
        }
        DMatrixRMaj kInv = new DMatrixRMaj(nv, nv);
        assertTrue(CommonOps_DDRM.invert(k, kInv));
        DMatrixRMaj j = new DMatrixRMaj(nv, 1);
        for (int i = 0; i < nv; i++) {
            double s = 0;
            for (int a = 0; a < nh; a++) {
                s += w.get(i, a) * eta;
            }
            j.set(i, 0, s);
        }
        DMatrixRMaj m = new DMatrixRMaj(nv, 1);
        CommonOps_DDRM.mult(kInv, j, m);
        DMatrixRMaj d = new DMatrixRMaj(nv, nv, true, new ScalarFieldTarget(nv, 4.0).covariance());
        CommonOps_DDRM.subtractEquals(d, kInv);
        CommonOps_DDRM.multAddTransB(-1.0, m, m, d);
        DMatrixRMaj expected = new DMatrixRMaj(nv, nh);
        CommonOps_DDRM.mult(sigma2, d, w, expected);
        for (int i = 0; i < nv; i++) {
            for (int a = 0; a < nh; a++) {
                expected.add(i, a, -m.get(i, 0) * eta);
            }
        }

        int blocks = 20;
        int perBlock = 1000;
        double[][] blockMeans = new double[blocks][nv * nh];
        double[] before = t.weights();
        double[] after = new double[nv * nh];
        for (int b = 0; b < blocks; b++) {
            for (int s = 0; s < perBlock; s++) {
                t.step();
                t.copyWeights(after);
                for (int q = 0; q < after.length; q++) {
                    blockMeans[b][q] += (after[q] - before[q]) / alpha / perBlock;
                }
                System.arraycopy(after, 0, before, 0, after.length);
            }
        }
        BlockJackknife jk = new BlockJackknife(blockMeans);
        for (int q = 0; q < nv * nh; q++) {
            BlockJackknife.Estimate g = jk.mean(q);
            assertEquals(expected.data[q], g.value(), 5 * g.error() + 1e-6,
                    "gradient entry " + q + " (eta = " + eta + "), error " + g.error());
        }
    }

    @Test
    void lossOfPositiveDefinitenessIsReportedAndTheUpdateRejected() {
        // α = 2 overshoots: x_max is pushed past μ²/σ_h² = 9 within a few dozen updates.
        RbmTrainer t = new RbmTrainer(RbmConfig.defaults().withLearningRate(2.0));
        double[] last = t.weights();
        IllegalStateException e = null;
        for (int i = 0; i < 10_000 && e == null; i++) {
            last = t.weights();
            try {
                t.step();
            } catch (IllegalStateException thrown) {
                e = thrown;
            }
        }
        assertTrue(e != null, "alpha = 2 must destabilise K");
        assertTrue(e.getMessage().contains("non-positive-definite"), e.getMessage());
        long steps = t.steps();
        assertArrayEquals(last, t.weights(), 0.0, "the rejected update must not be applied");
        assertTrue(t.stable());
        IllegalStateException again = assertThrows(IllegalStateException.class, t::step);
        assertTrue(again.getMessage().contains("earlier failure"), again.getMessage());
        assertEquals(steps, t.steps());
    }

    @Test
    void unstableInitialWeightsAreRejected() {
        // W_ij ~ N(0, 1): x_max ≈ (√10 + √10)² = 40 > μ²/σ_h² = 9
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RbmTrainer(RbmConfig.defaults().withInitStd(1.0)));
        assertTrue(e.getMessage().contains("initStd"), e.getMessage());
    }

    @Test
    void initialStateIsTheAuthors() {
        RbmTrainer t = new RbmTrainer(RbmConfig.defaults().withSeed(3));
        double[] w = t.weights();
        double sumSq = 0;
        for (double v : w) {
            sumSq += v * v;
        }
        // Σ W_ij² over 100 entries ~ 0.01·χ²_100: 5 s.d. of χ²_100 is 5·√200 ≈ 71
        assertEquals(1.0, sumSq, 0.01 * 71);
        assertEquals(10, t.rows());
        assertEquals(10, t.cols());
        assertEquals(16, t.batchSize());
        assertEquals(0.1, t.learningRate());
    }
}
