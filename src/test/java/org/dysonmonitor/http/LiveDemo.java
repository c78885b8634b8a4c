package org.dysonmonitor.http;

import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.TrainerActor;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;
import org.dysonmonitor.train.TeacherStudentConfig;
import org.dysonmonitor.train.TeacherStudentTrainer;
import org.dysonmonitor.train.Trainer;

import java.util.List;
import java.util.Optional;

/**
 * What {@code dyson-monitor demo} runs, started in-process with the live page on a free loopback
 * port (the trainers separately, so a browser can watch the runs from their first step): the RBM at (α, |B|) = (0.1, 4), (0.1, 16), (0.1, 64), (0.05, 16) and one teacher-student run,
 * layer "W" each, a snapshot every 10 steps, seeds 1..5, policy latest (as DemoCommand). Only the pace
 * differs, so that a test sees the runs converge in seconds.
 */
final class LiveDemo implements AutoCloseable {

    /** A demo run: its name as the demo names it, and its parameters. */
    record Run(String name, double learningRate, int batchSize) {
    }

    static final List<Run> RBM_RUNS = List.of(
            new Run("rbm-a0.1-b4", 0.1, 4), new Run("rbm-a0.1-b16", 0.1, 16),
            new Run("rbm-a0.1-b64", 0.1, 64), new Run("rbm-a0.05-b16", 0.05, 16));
    static final String TEACHER_STUDENT = "teacher-student";
    static final String LAYER = "W";
    static final int SNAPSHOT_EVERY = 10;

    private final Monitor monitor;
    private final HttpServer server;

    private LiveDemo(Monitor monitor, HttpServer server) {
        this.monitor = monitor;
        this.server = server;
    }

    /** Starts the monitor and the HTTP server with the live page, without runs yet. */
    static LiveDemo start() {
        return start("live-page-test", ConfigFactory.load());
    }

    /** The same with a history store in {@code dataDir}. */
    static LiveDemo startWithStore(java.nio.file.Path dataDir) {
        return start("live-page-history-test", ConfigFactory.parseMap(java.util.Map.of(
                "dyson.store.data-dir", dataDir.toString(), "dyson.store.retention", "30d",
                "dyson.store.max-size", "1GiB", "dyson.store.checkpoint-interval", "5s"))
                .withFallback(ConfigFactory.load()));
    }

    private static LiveDemo start(String name, com.typesafe.config.Config config) {
        Monitor monitor = Monitor.start(name, config);
        try {
            return new LiveDemo(monitor, HttpServer.start(monitor,
                    new ServerOptions("127.0.0.1", 0, Optional.empty(), ServerOptions.DEFAULT_MAX_BODY), LivePage.route()));
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
    }

    /** Starts the demo's trainers at the given pace (steps per second of each run; 0: as fast as they go). */
    void startTrainers(double stepsPerSecond) {
        long seed = 1;
        for (Run run : RBM_RUNS) {
            RbmConfig config = RbmConfig.defaults().withLearningRate(run.learningRate())
                    .withBatchSize(run.batchSize()).withSeed(seed++);
            train(monitor, run.name(), new RbmTrainer(config), stepsPerSecond);
        }
        train(monitor, TEACHER_STUDENT, new TeacherStudentTrainer(TeacherStudentConfig.defaults().withSeed(seed)),
                stepsPerSecond);
    }

    /** Starts one RBM run of {@link #RBM_RUNS} at the given pace. */
    void startTrainer(Run run, long seed, double stepsPerSecond) {
        train(monitor, run.name(), new RbmTrainer(RbmConfig.defaults().withLearningRate(run.learningRate())
                .withBatchSize(run.batchSize()).withSeed(seed)), stepsPerSecond);
    }

    private static void train(Monitor monitor, String run, Trainer trainer, double stepsPerSecond) {
        monitor.startTrainer(new TrainerActor.Plan(run, LAYER, trainer, SNAPSHOT_EVERY, OverloadPolicy.LATEST, 0,
                stepsPerSecond)).toCompletableFuture().join();
    }

    /** e.g. http://127.0.0.1:41234 */
    String url() {
        return server.url();
    }

    @Override
    public void close() {
        monitor.close();
    }
}
