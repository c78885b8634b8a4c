package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

class FokkerPlanckSpectrumTest {

    private static OneModePotential harmonic(double omega) {
        return new OneModePotential() {
            public double value(double x) { return 0.5 * omega * x * x; }
            public double slope(double x) { return omega * x; }
            public double curvature(double x) { return omega; }
        };
    }

    /** V = (x² − 1)²: wells at ±1 (V″ = 8), barrier ΔV = 1 at 0 (V″ = −4). */
    private static final OneModePotential DOUBLE_WELL = new OneModePotential() {
        public double value(double x) { return (x * x - 1) * (x * x - 1); }
        public double slope(double x) { return 4 * x * (x * x - 1); }
        public double curvature(double x) { return 12 * x * x - 4; }
    };

    /** Against Commons Math's full symmetric tridiagonal decomposition of a random 200 × 200 matrix. */
    @Test
    void lowestEigenpairsAgreeWithAFullDecomposition() {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 200;
        double[] d = new double[n];
        double[] e = new double[n - 1];
        for (int i = 0; i < n; i++) {
            d[i] = 4 * rng.nextGaussian();
            if (i < n - 1) {
                e[i] = rng.nextGaussian();
            }
        }
        SymmetricTridiagonalEigen mine = new SymmetricTridiagonalEigen(d, e, 12);
        EigenDecomposition full = new EigenDecomposition(d.clone(), e.clone());
        double[] all = full.getRealEigenvalues().clone();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        for (int k = 0; k < 12; k++) {
            assertEquals(all[order[k]], mine.values()[k], 1e-12 * 20, "eigenvalue " + k);
            double[] ref = full.getEigenvector(order[k]).toArray();
            double dot = 0;
            for (int i = 0; i < n; i++) {
                dot += ref[i] * mine.vector(k)[i];
            }
            assertEquals(1.0, Math.abs(dot), 1e-9, "eigenvector " + k);
        }
    }

    /**
     * Harmonic V = ½Ωx² (Ω = 2, g² = 0.5): E_n = nΩ/2 exactly, ψ_0 = √P_s, and only n = 1 couples to x,
     * so τ_x = 1/(2E_1) = 1/Ω. Central differences err by O(h²E_n²/g²) ≈ 10⁻⁵ at h = 0.003.
     */
    @Test
    void harmonicPotentialHasTheOscillatorSpectrum() {
        FokkerPlanckSpectrum fp = new FokkerPlanckSpectrum(harmonic(2.0), 0.5, -6, 6, 4000, 6);
        double[] e = fp.energies();
        for (int n = 0; n < 6; n++) {
            assertEquals(n, e[n], 1e-4, "E_" + n);
        }
        assertEquals(1.0, fp.groundStateOverlap(), 1e-8);
        assertEquals(0.5, fp.gapRelaxationTime(), 1e-4);
        assertEquals(0.5, fp.positionAutocorrelationTime(), 1e-4);
        assertEquals(0.25, fp.stationaryVariance(), 1e-6, "g²/Ω");
        assertEquals(1.0, fp.capturedVariance(), 1e-5, "O(h^2): psi_0 vs sqrt(P_s)");
    }

    /**
     * Double well (g² = 0.1): E_0 = 0 and ψ_0 = √P_s up to the O(h²) discretisation error (halving h divides
     * E_0 by 4 within 5 %); the tunnelling level E_1 ≪ the intrawell level E_2.
     */
    @Test
    void doubleWellGroundStateIsTheStationaryDensity() {
        FokkerPlanckSpectrum coarse = new FokkerPlanckSpectrum(DOUBLE_WELL, 0.1, -2.5, 2.5, 2000, 4);
        FokkerPlanckSpectrum fine = new FokkerPlanckSpectrum(DOUBLE_WELL, 0.1, -2.5, 2.5, 4001, 4);
        double e0 = fine.energies()[0];
        assertTrue(Math.abs(e0) < 1e-5 * fine.energies()[2], "E_0 = " + e0);
        assertEquals(4.0, coarse.energies()[0] / e0, 0.2, "E_0 is the O(h^2) discretisation error");
        assertEquals(1.0, fine.groundStateOverlap(), 1e-9);
        double[] p = fine.stationaryDensity();
        double[] psi = fine.state(0);
        int peak = 0;
        for (int j = 0; j < p.length; j++) {
            peak = p[j] > p[peak] ? j : peak;
        }
        assertEquals(Math.sqrt(p[peak]), psi[peak], 1e-5 * psi[peak], "psi_0 = sqrt(P_s) at the wells");
        assertTrue(fine.energies()[1] < 1e-3 * fine.energies()[2], "tunnelling doublet");
    }

    /**
     * The double well's lowest levels at g² = 0.25 against scipy's eigh_tridiagonal applied to a different
     * discretisation of the same operator: the detailed-balance (exponential) form, whose ground state is
     * exactly √P_s, H_jj = (g²/2h²)[e^{−(V_{j+1}−V_j)/2g²} + e^{−(V_{j−1}−V_j)/2g²}], H_{j,j±1} = −g²/2h²,
     * on 20 000 points. Both err by O(h²); the tolerance, 10⁻⁴ relative, is ten times the difference between
     * this solver at 4 000 and 8 000 points.
     */
    @Test
    void doubleWellLevelsAgreeWithAnIndependentScipyReference() {
        String script = String.join("\n",
                "import numpy as np",
                "from scipy.linalg import eigh_tridiagonal",
                "g2=0.25; n=20000; a,b=-3.0,3.0; h=(b-a)/(n+1)",
                "x=a+h*np.arange(0,n+2); V=(x*x-1)**2",
                "k=g2/(2*h*h)",
                "d=k*(np.exp(-(V[2:]-V[1:-1])/(2*g2))+np.exp(-(V[:-2]-V[1:-1])/(2*g2)))",
                "e=-k*np.ones(n-1)",
                "w=eigh_tridiagonal(d,e,eigvals_only=True,select='i',select_range=(0,3))",
                "print(' '.join(repr(float(v)) for v in w))");
        double[] reference = Arrays.stream(ScipyReference.run(script).trim().split("\\s+"))
                .mapToDouble(Double::parseDouble).toArray();
        FokkerPlanckSpectrum fp = new FokkerPlanckSpectrum(DOUBLE_WELL, 0.25, -3, 3, 8000, 4);
        FokkerPlanckSpectrum half = new FokkerPlanckSpectrum(DOUBLE_WELL, 0.25, -3, 3, 4000, 4);
        for (int n = 1; n < 4; n++) {
            // levels above the discrete ground state, whose O(h²) error they share
            double e = fp.energies()[n] - fp.energies()[0];
            double convergence = Math.abs(e - (half.energies()[n] - half.energies()[0])) / e;
            assertTrue(convergence < 1e-5, "discretisation change of E_" + n + ": " + convergence);
            assertEquals(reference[n] - reference[0], e, 1e-4 * e, "E_" + n + " - E_0");
        }
        // exact in exact arithmetic; rounding of a matrix with norm g²/h² ≈ 3·10⁶ leaves ~10⁻¹⁰
        assertEquals(0.0, reference[0], 1e-7 * reference[1], "the reference's ground state");
    }

    /**
     * The harmonic limit g² → 0. U = (V′)²/8g² − V″/4 has a well at each minimum of V (levels nV″_min/2 =
     * 0, 4, 8, …, twice) and one at the barrier top (levels (n + 1)|V″_max|/2 = 2, 4, …), so the lowest six
     * levels tend to {0, 0, 2, 4, 4, 4}, each with an O(g²) anharmonic shift: (E_n − E_0 − limit)/g² must
     * agree within 10 % between g² = 0.01 and 0.005. The tunnelling level follows Kramers,
     * E_1 − E_0 → r_K = √(V″_min|V″_max|)/(2π) e^{−ΔV/g²}, with a relative correction c·g²: c must agree
     * within 5 % between g² = 0.2 and 0.1 (measured c ≈ 0.42).
     */
    @Test
    void doubleWellApproachesTheHarmonicAndKramersLimits() {
        double[] limit = {0, 0, 2, 4, 4, 4};
        double[][] shift = new double[2][6];
        double[] g2 = {0.01, 0.005};
        for (int i = 0; i < 2; i++) {
            double[] e = new FokkerPlanckSpectrum(DOUBLE_WELL, g2[i], -1.8, 1.8, 12000, 6).energies();
            assertTrue(e[1] - e[0] < 1e-6, "tunnelling splitting at g^2 = " + g2[i]);
            for (int n = 2; n < 6; n++) {
                shift[i][n] = (e[n] - e[0] - limit[n]) / g2[i];
            }
        }
        for (int n = 2; n < 6; n++) {
            assertEquals(shift[1][n], shift[0][n], 0.1 * Math.abs(shift[1][n]), "(E_" + n + " - limit)/g^2");
        }
        double[] correction = new double[2];
        double[] g2k = {0.2, 0.1};
        for (int i = 0; i < 2; i++) {
            FokkerPlanckSpectrum fp = new FokkerPlanckSpectrum(DOUBLE_WELL, g2k[i], -2.2, 2.2, 8000, 2);
            double kramers = Math.sqrt(8 * 4) / (2 * Math.PI) * Math.exp(-1 / g2k[i]);
            correction[i] = (1 - fp.gap() / kramers) / g2k[i];
        }
        assertEquals(correction[1], correction[0], 0.05 * correction[1], "Kramers correction coefficient");
    }
}
