package org.dysonmonitor.cli;

import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.TrainerActor;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;
import org.dysonmonitor.train.TeacherStudentConfig;
import org.dysonmonitor.train.TeacherStudentTrainer;
import org.dysonmonitor.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's built-in runs: the paper's RBM at four values of α/|B| (σ² spans a factor 32,
 * physics.md §5) and one teacher-student run, layer "W" each. Shared by {@code demo} and the tests
 * that need a demo (Prometheus integration, live page).
 */
public final class DemoRuns {

    /** (α, |B|) of the RBM runs. */
    public static final List<double[]> RBM = List.of(
            new double[] {0.1, 4}, new double[] {0.1, 16}, new double[] {0.1, 64}, new double[] {0.05, 16});

    public static final String TEACHER_STUDENT = "teacher-student";

    private DemoRuns() {
    }

    /** "rbm-a0.1-b16" for (0.1, 16). */
    public static String rbmRunName(double lr, int batch) {
        return String.format(Locale.ROOT, "rbm-a%s-b%d",
                java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString(), batch);
    }

    /** Names of every demo run, RBM runs first. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        RBM.forEach(r -> names.add(rbmRunName(r[0], (int) r[1])));
        names.add(TEACHER_STUDENT);
        return names;
    }

    /**
     * Starts every demo run; run i uses seed + i.
     *
     * @param stepsPerSecond the pace of each run (0: as fast as it goes)
     */
    public static void start(Monitor monitor, double stepsPerSecond, int snapshotEvery, long seed,
                             OverloadPolicy policy) {
        long s = seed;
        for (double[] run : RBM) {
            RbmConfig config = RbmConfig.defaults().withLearningRate(run[0]).withBatchSize((int) run[1]).withSeed(s++);
            start(monitor, rbmRunName(run[0], (int) run[1]), new RbmTrainer(config), stepsPerSecond, snapshotEvery, policy);
        }
        start(monitor, TEACHER_STUDENT, new TeacherStudentTrainer(TeacherStudentConfig.defaults().withSeed(s)),
                stepsPerSecond, snapshotEvery, policy);
    }

    private static void start(Monitor monitor, String run, Trainer trainer, double stepsPerSecond, int snapshotEvery,
                              OverloadPolicy policy) {
        monitor.startTrainer(new TrainerActor.Plan(run, "W", trainer, snapshotEvery, policy, 0, stepsPerSecond))
                .toCompletableFuture().join();
    }
}
