package org.dysonmonitor.sweep;

/**
 * One training run of a sweep.
 *
 * @param setting       (α, |B|)
 * @param index         run index within its setting, 0-based; −1 for the evolution run
 * @param seed          the trainer's seed (distinct for every run of a sweep)
 * @param steps         SGD updates
 * @param burnIn        no snapshot before this update
 * @param snapshotEvery updates between two snapshots
 */
public record RunPlan(Setting setting, int index, long seed, long steps, long burnIn, int snapshotEvery) {

    /** Index of the one run that records the whole evolution from its Marchenko-Pastur start. */
    public static final int EVOLUTION = -1;

    public RunPlan {
        if (steps < 1 || burnIn < 0 || snapshotEvery < 1) {
            throw new IllegalArgumentException("need steps ≥ 1, burn-in ≥ 0 and snapshot interval ≥ 1, got "
                    + steps + ", " + burnIn + ", " + snapshotEvery);
        }
        if (lastSnapshot(steps, burnIn, snapshotEvery) < 0) {
            throw new IllegalArgumentException("a run of " + steps + " updates with burn-in " + burnIn
                    + " and a snapshot every " + snapshotEvery + " updates takes no snapshot");
        }
    }

    public boolean evolution() {
        return index == EVOLUTION;
    }

    /** The run's name in the monitor, e.g. "sweep-a0.1-b16-r003" or "sweep-a0.1-b16-evolution". */
    public String name() {
        return "sweep-" + setting.key() + (evolution() ? "-evolution" : String.format("-r%03d", index));
    }

    /** Step of the first snapshot: the first multiple of the interval ≥ max(burn-in, 1). */
    public long firstSnapshot() {
        return firstSnapshot(burnIn, snapshotEvery);
    }

    /** Step of the last snapshot. */
    public long lastSnapshot() {
        return lastSnapshot(steps, burnIn, snapshotEvery);
    }

    /** Number of snapshots the run streams. */
    public long snapshots() {
        return (lastSnapshot() - firstSnapshot()) / snapshotEvery + 1;
    }

    /** Estimated CPU µs of the run (training plus snapshots), to weigh runs for the ETA. */
    public double cost(TrainerKind model) {
        return steps * model.updateMicros(setting.batchSize()) + snapshots() * model.snapshotMicros();
    }

    private static long firstSnapshot(long burnIn, int every) {
        long from = Math.max(burnIn, 1);
        return (from + every - 1) / every * every;
    }

    private static long lastSnapshot(long steps, long burnIn, int every) {
        long last = steps / every * every;
        return last >= firstSnapshot(burnIn, every) ? last : -1;
    }
}
