package org.dysonmonitor.rmt;

/**
 * Everything a {@link StationarityDetector} holds, as an immutable value (arrays are copied in and out),
 * for checkpoints: {@link StationarityDetector#restore} continues exactly where
 * {@link StationarityDetector#state()} was taken, including the hysteresis and the partly filled block. {@code exitEvaluations} and {@code exitRun} are
 * 0 in a checkpoint written before they existed: such a state keeps the detector's P and starts its run
 * of exit evaluations afresh.
 */
public record StationarityState(int modes, int blockLength, int blocks, double zEnter, double zExit,
                                double[] reference, double[] blockSum, double[] ring, double[] statistic,
                                long n, int fill, long totalBlocks, int nextSlot, boolean stationary,
                                long stationarySince, double maxStatistic, int exitEvaluations, int exitRun) {

    public StationarityState {
        reference = reference.clone();
        blockSum = blockSum.clone();
        ring = ring.clone();
        statistic = statistic.clone();
    }

    @Override
    public double[] reference() {
        return reference.clone();
    }

    @Override
    public double[] blockSum() {
        return blockSum.clone();
    }

    @Override
    public double[] ring() {
        return ring.clone();
    }

    @Override
    public double[] statistic() {
        return statistic.clone();
    }
}

