package org.dysonmonitor.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a sweep runs: the model, its settings (α, |B|), and every run with its length, burn-in and
 * snapshot interval. Pure: built from the command-line options, tested directly.
 *
 * <p><b>Settings.</b> With neither α nor |B| given: the paper's two scans, α₀ = 0.1 with every |B| of
 * {@link TrainerKind#BATCH_SCAN} and |B| = 16 with every α of {@link TrainerKind#learningRateScan()} (their union:
 * (0.1, 16) is in both). With one list given, the other is α₀ or |B| = 16; with both, their product.
 *
 * <p><b>Run lengths.</b> Unless given, steps, burn-in and snapshot interval are the model's reference
 * values times α₀/α (see {@link TrainerKind}); a given value applies to every setting.
 *
 * <p><b>Order.</b> Runs are started by run index (run 0 of every setting, then run 1, …), so an
 * interrupted sweep has about as many runs of every setting; within an index the costliest first, so
 * that no long run is left to finish alone at the end. The evolution run (the whole trajectory of
 * one run from its Marchenko-Pastur start, not pooled) goes first.
 *
 * @param model    the model
 * @param settings the settings, in the order of the report's tables
 * @param runs     runs per setting
 * @param seed     base seed; run i of setting j has seed + 1 + j·runs + i, the evolution run seed
 * @param epsilon  teacher-student noise ε (unused by the RBM)
 * @param plans    every run, in start order, the evolution run first
 */
public record SweepPlan(TrainerKind model, List<Setting> settings, int runs, long seed, double epsilon, List<RunPlan> plans) {

    public SweepPlan {
        settings = List.copyOf(settings);
        plans = List.copyOf(plans);
    }

    /**
     * @param learningRates α values, or empty for the model's scan (see the class comment)
     * @param batches       |B| values, or empty
     * @param runs          runs per setting, or null for the model's default
     * @param steps         updates per run, or null for the scaled default
     * @param burnIn        burn-in updates, or null for the scaled default
     * @param snapshotEvery updates between snapshots, or null for the scaled default
     * @throws IllegalArgumentException naming the option that is wrong
     */
    public static SweepPlan create(TrainerKind model, List<Double> learningRates, List<Integer> batches, Integer runs,
                                   Long steps, Long burnIn, Integer snapshotEvery, long seed, double epsilon) {
        int n = runs != null ? runs : model.defaultRuns();
        require(n >= 1, "--runs must be ≥ 1, got " + n);
        require(steps == null || steps >= 1, "--steps must be ≥ 1, got " + steps);
        require(burnIn == null || burnIn >= 0, "--burn-in must be ≥ 0, got " + burnIn);
        require(snapshotEvery == null || snapshotEvery >= 1, "--snapshot-every must be ≥ 1, got " + snapshotEvery);
        require(Double.isFinite(epsilon) && epsilon > 0, "--epsilon must be finite and > 0, got " + epsilon);
        List<Setting> settings = settings(model, learningRates, batches);
        List<List<RunPlan>> bySetting = new ArrayList<>();
        for (int j = 0; j < settings.size(); j++) {
            Setting s = settings.get(j);
            List<RunPlan> runsOfSetting = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                runsOfSetting.add(plan(model, s, i, seed + 1 + (long) j * n + i, steps, burnIn, snapshotEvery));
            }
            bySetting.add(runsOfSetting);
        }
        List<RunPlan> plans = new ArrayList<>();
        plans.add(evolutionPlan(model, settings, seed, steps, burnIn, snapshotEvery));
        for (int i = 0; i < n; i++) {
            List<RunPlan> round = new ArrayList<>();
            for (List<RunPlan> s : bySetting) {
                round.add(s.get(i));
            }
            round.sort(Comparator.comparingDouble((RunPlan p) -> p.cost(model)).reversed());
            plans.addAll(round);
        }
        return new SweepPlan(model, settings, n, seed, epsilon, plans);
    }

    /** The settings of the options (see the class comment), duplicates removed, order kept. */
    static List<Setting> settings(TrainerKind model, List<Double> learningRates, List<Integer> batches) {
        for (double a : learningRates) {
            require(Double.isFinite(a) && a > 0, "--lr values must be finite and > 0, got " + a);
        }
        for (int b : batches) {
            require(b >= 1, "--batch values must be ≥ 1, got " + b);
        }
        Set<Setting> out = new LinkedHashSet<>();
        if (learningRates.isEmpty() && batches.isEmpty()) {
            for (int b : TrainerKind.BATCH_SCAN) {
                out.add(new Setting(TrainerKind.REFERENCE_LEARNING_RATE, b));
            }
            for (double a : model.learningRateScan()) {
                out.add(new Setting(a, TrainerKind.REFERENCE_BATCH));
            }
            return List.copyOf(out);
        }
        List<Double> as = learningRates.isEmpty() ? List.of(TrainerKind.REFERENCE_LEARNING_RATE) : learningRates;
        List<Integer> bs = batches.isEmpty() ? List.of(TrainerKind.REFERENCE_BATCH) : batches;
        for (double a : as) {
            for (int b : bs) {
                out.add(new Setting(a, b));
            }
        }
        return List.copyOf(out);
    }

    private static RunPlan plan(TrainerKind model, Setting s, int index, long seed, Long steps, Long burnIn,
                                Integer snapshotEvery) {
        double f = TrainerKind.REFERENCE_LEARNING_RATE / s.learningRate();
        long n = steps != null ? steps : Math.max(1, Math.round(model.referenceSteps() * f));
        long b = burnIn != null ? burnIn : Math.round(model.referenceBurnIn() * f);
        int k = snapshotEvery != null ? snapshotEvery : (int) Math.max(1, Math.round(model.referenceSnapshotEvery() * f));
        require(b < n, "burn-in " + b + " must be shorter than the run, " + n + " updates, at " + s.label()
                + (burnIn == null ? " (the default burn-in scales as 0.1/α; give --burn-in)" : ""));
        require(k <= n - b, "a snapshot every " + k + " updates leaves no snapshot after the burn-in of " + b
                + " in a run of " + n + " updates at " + s.label());
        return new RunPlan(s, index, seed, n, b, k);
    }

    /**
     * The evolution run: at the setting closest to (α₀, 16), from step 0, a snapshot every
     * (reference interval)/2 updates, over three burn-in lengths.
     */
    private static RunPlan evolutionPlan(TrainerKind model, List<Setting> settings, long seed, Long steps, Long burnIn,
                                         Integer snapshotEvery) {
        Setting ref = settings.stream().min(Comparator.comparingDouble((Setting s) ->
                Math.abs(Math.log(s.learningRate() / TrainerKind.REFERENCE_LEARNING_RATE))
                        + Math.abs(Math.log((double) s.batchSize() / TrainerKind.REFERENCE_BATCH)))).orElseThrow();
        double f = TrainerKind.REFERENCE_LEARNING_RATE / ref.learningRate();
        long b = burnIn != null && burnIn > 0 ? burnIn : Math.round(model.referenceBurnIn() * f);
        long n = Math.max(1, 3 * b);
        if (steps != null) {
            n = Math.min(n, steps);
        }
        int k = snapshotEvery != null ? snapshotEvery
                : (int) Math.max(1, Math.round(model.referenceSnapshotEvery() * f / 2));
        k = (int) Math.min(k, n);
        return new RunPlan(ref, RunPlan.EVOLUTION, seed, n, 0, k);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The runs that are pooled (all but the evolution run). */
    public List<RunPlan> pooledRuns() {
        return plans.stream().filter(p -> !p.evolution()).toList();
    }

    /** Estimated CPU µs of the whole sweep. */
    public double cost() {
        return plans.stream().mapToDouble(p -> p.cost(model)).sum();
    }
}
