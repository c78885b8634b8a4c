package org.dysonmonitor.train;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The ascending eigenvalues x of X = WᵀW of a trainer as it trains, from EJML's dense eigensolver: an
 * independent computation, not the monitor's {@code linalg}. Its buffers are reused (one spectrum
 * array, overwritten by every call); not thread-safe.
 */
public final class TrainerSpectrum {

    private final Trainer trainer;
    private final DMatrixRMaj w;
    private final DMatrixRMaj gram;
    private final EigenDecomposition_F64<DMatrixRMaj> eig;
    private final double[] x;

    public TrainerSpectrum(Trainer trainer) {
        this.trainer = trainer;
        int n = trainer.cols();
        this.w = new DMatrixRMaj(trainer.rows(), n);
        this.gram = new DMatrixRMaj(n, n);
        this.eig = DecompositionFactory_DDRM.eig(n, false, true);
        this.x = new double[n];
    }

    /** Runs {@code updates} SGD updates (a burn-in, or the gap between two snapshots). */
    public void advance(int updates) {
        for (int s = 0; s < updates; s++) {
            trainer.step();
        }
    }

    /** {@link #advance(int)}, then x of the new W (ascending; the same array every call). */
    public double[] after(int updates) {
        advance(updates);
        trainer.copyWeights(w.data);
        CommonOps_DDRM.multTransA(w, w, gram);
        if (!eig.decompose(gram)) {
            throw new IllegalStateException("eigen-decomposition of W^T W failed at update " + trainer.steps());
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(x);
        return x;
    }

    /**
     * κ of every mode of an RBM's ascending fixed point x* = (μ² − κ)/σ_h² (physics.md §5), so
     * κ = μ² − σ_h² x*.
     */
    public static double[] kappaOfMode(RbmTrainer trainer) {
        double[] target = trainer.targetSpectrum();
        double s = trainer.sigmaH() * trainer.sigmaH();
        double[] kappa = new double[target.length];
        for (int i = 0; i < target.length; i++) {
            kappa[i] = trainer.mu2() - s * target[i];
        }
        return kappa;
    }
}
