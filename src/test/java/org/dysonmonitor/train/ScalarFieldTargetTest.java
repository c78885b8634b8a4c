package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScalarFieldTargetTest {

    /** Round-off of O(N) sums of O(1/m²) terms in double precision is ~1e-15; 1e-12 leaves a wide margin. */
    private static final double EXACT = 1e-12;

    @Test
    void kappaForTheAuthorsTargetIsTheFreeLatticeDispersion() {
        ScalarFieldTarget t = new ScalarFieldTarget(10, 4.0);
        // physics.md §5: κ = 4, 4.382 (×2), 5.382 (×2), 6.618 (×2), 7.618 (×2), 8 (quoted to 3 decimals)
        double[] quoted = {4, 4.382, 4.382, 5.382, 5.382, 6.618, 6.618, 7.618, 7.618, 8};
        assertArrayEquals(quoted, t.kappa(), 5e-4);
        double[] formula = new double[10];
        for (int k = 0; k < 10; k++) {
            formula[k] = 4.0 + 2.0 - 2.0 * Math.cos(2.0 * Math.PI * k / 10);
        }
        Arrays.sort(formula);
        assertArrayEquals(formula, t.kappa(), EXACT);
        double[] kappa = t.kappa();
        for (int p = 1; p < 9; p += 2) {
            assertEquals(kappa[p], kappa[p + 1], 0.0, "momenta k and N-k must be exactly degenerate");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 10, 64})
    void covarianceIsTheExactInverseOfTheKernel(int n) {
        ScalarFieldTarget t = new ScalarFieldTarget(n, 0.7);
        double[] k = t.kernel();
        double[] c = t.covariance();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double kc = 0.0;
                for (int l = 0; l < n; l++) {
                    kc += k[i * n + l] * c[l * n + j];
                }
                assertEquals(i == j ? 1.0 : 0.0, kc, EXACT, "(K K^-1)_" + i + j);
                assertEquals(c[i * n + j], c[j * n + i], 0.0, "K^-1 must be exactly symmetric");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 10})
    void kernelEigenvaluesAreKappa(int n) {
        ScalarFieldTarget t = new ScalarFieldTarget(n, 4.0);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        assertTrue(eig.decompose(new DMatrixRMaj(n, n, true, t.kernel())));
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(ev);
        assertArrayEquals(t.kappa(), ev, EXACT);
    }

    @Test
    void kernelIsThePeriodicLatticeLaplacianPlusMass() {
        double[] k = new ScalarFieldTarget(4, 4.0).kernel();
        assertArrayEquals(new double[] {
            6, -1, 0, -1,
            -1, 6, -1, 0,
            0, -1, 6, -1,
            -1, 0, -1, 6}, k, 0.0);
    }

    @Test
    void accessorsReturnCopies() {
        ScalarFieldTarget t = new ScalarFieldTarget(10, 4.0);
        t.kappa()[0] = 99;
        t.covariance()[0] = 99;
        t.kernel()[0] = 99;
        assertEquals(4.0, t.kappa()[0], EXACT);
        assertEquals(6.0, t.kernel()[0], 0.0);
        assertTrue(t.covariance()[0] < 1);
        assertEquals(10, t.sites());
        assertEquals(4.0, t.mass2());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ScalarFieldTarget(0, 4.0))
                .getMessage().contains("sites"));
        for (double m2 : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new ScalarFieldTarget(10, m2))
                    .getMessage().contains("m^2"));
        }
    }
}
