package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TeacherStudentTrainerTest {

    private static final double WIGNER_S2 = 4 / Math.PI;

    @Test
    void describesTheTeacher() {
        TeacherStudentTrainer t = new TeacherStudentTrainer(TeacherStudentConfig.defaults());
        assertArrayEquals(new double[] {4, 4}, t.targetSpectrum(), 0.0);
        assertEquals("teacher-student", t.model());
        assertEquals(2, t.rows());
        assertEquals(2, t.cols());
    }

    @Test
    void singularValuesMatchEjml() {
        TeacherStudentTrainer t = new TeacherStudentTrainer(TeacherStudentConfig.defaults().withNoise(0.5).withSeed(4));
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(2, 2, false, false, true);
        for (int i = 0; i < 200; i++) {
            t.step();
            assertTrue(svd.decompose(new DMatrixRMaj(2, 2, true, t.weights())));
            double[] sv = svd.getSingularValues().clone();
            java.util.Arrays.sort(sv);
            assertArrayEquals(sv, t.singularValues(), 1e-13);
            assertEquals(sv[1] - sv[0], t.splitting(), 1e-13);
        }
    }

    /**
     * Model B (physics.md §6–7). Near the teacher δ = W_s − W_t follows δ ← (1 − α)δ + α ā, so δ is GOE with
     * off-diagonal variance αε²/(|B|(2 − α)) and the singular-value splitting is Rayleigh distributed:
     * ⟨s²⟩ = 4/π and ⟨S⟩/√(αε²/|B|) = √(2π/(2 − α)) (1.82 at α = 0.1, 1.87 at α = 0.2).
     *
     * <p>Tolerances: 5 block-jackknife standard errors (4 seeds × 20 blocks of 25 000 updates; the
     * relaxation time is 1/α ≈ 10 updates) plus an allowance of α/|B| (relative, for ⟨S⟩) for the O(α/|B|)
     * correction from the multiplicative noise δ(x xᵀ − 𝟙), which the leading-order argument neglects.
     * Measured in 8 × 10⁶-update runs: ⟨s²⟩ − 4/π = 0.25 α/|B| and ⟨S⟩ 0.4–0.5 α/|B| (relative) above the
     * prediction for |B| = 1..64, α = 0.1..0.5. Burn-in 50/α updates: the initial error decays as (1 − α)ⁿ.
     */
    @ParameterizedTest(name = "alpha={0}, |B|={1}")
    @CsvSource({"0.1, 16", "0.2, 16", "0.1, 4"})
    void splittingFollowsTheWignerSurmiseAndLinearScaling(double alpha, int batch) {
        double eps = 0.05;
        int seeds = 4;
        int blocksPerRun = 20;
        int perBlock = 25_000;
        double[][] rows = IntStream.range(0, seeds).parallel().mapToObj(r -> {
            TeacherStudentTrainer t = new TeacherStudentTrainer(
                    new TeacherStudentConfig(alpha, batch, eps, 0.1, 100 + r));
            for (int i = 0; i < (int) Math.ceil(50 / alpha); i++) {
                t.step();
            }
            double[][] blocks = new double[blocksPerRun][3];
            for (double[] acc : blocks) {
                for (int i = 0; i < perBlock; i++) {
                    t.step();
                    double s = t.splitting();
                    acc[0] += s / perBlock;
                    acc[1] += s * s / perBlock;
                    double[] sv = t.singularValues();
                    acc[2] += 0.5 * (sv[0] + sv[1]) / perBlock;
                }
            }
            return blocks;
        }).flatMap(java.util.Arrays::stream).toArray(double[][]::new);
        BlockJackknife jk = new BlockJackknife(rows);
        double scale = Math.sqrt(alpha * eps * eps / batch);
        double relative = alpha / batch;

        BlockJackknife.Estimate s2 = jk.estimate(m -> m[1] / (m[0] * m[0]));
        assertEquals(WIGNER_S2, s2.value(), 5 * s2.error() + relative, "<s^2>, error " + s2.error());

        BlockJackknife.Estimate ratio = jk.estimate(m -> m[0] / scale);
        double predicted = Math.sqrt(2 * Math.PI / (2 - alpha));
        assertEquals(predicted, ratio.value(), 5 * ratio.error() + predicted * relative,
                "<S>/sqrt(alpha eps^2/|B|), error " + ratio.error());
        // physics.md §7: "of order 1.8–1.9"
        assertTrue(ratio.value() > 1.75 && ratio.value() < 1.95, "<S>/sqrt(alpha eps^2/|B|) = " + ratio.value());

        // the student learns the teacher: mean singular value 2 (measured within 1e-5), up to O(σ²) ~ ⟨S⟩²
        BlockJackknife.Estimate mean = jk.mean(2);
        double spacing = ratio.value() * scale;
        assertEquals(2.0, mean.value(), 5 * mean.error() + spacing * spacing, "mean singular value");
    }
}
