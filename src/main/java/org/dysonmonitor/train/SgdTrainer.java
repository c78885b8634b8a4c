package org.dysonmonitor.train;

/**
 * What every SGD trainer here has in common: the shape M × N of W, the learning rate α and the
 * mini-batch size |B| it was configured with, the count of accepted updates, and the two ways of
 * reading W ({@link #weights()}, {@link #copyWeights(double[])}). A subclass holds W in whatever form
 * suits its update and writes it out row-major in {@link #writeWeights(double[])}.
 */
abstract class SgdTrainer implements Trainer {

    private final int rows;
    private final int cols;
    private final double learningRate;
    private final int batchSize;
    private long steps;

    SgdTrainer(int rows, int cols, double learningRate, int batchSize) {
        this.rows = rows;
        this.cols = cols;
        this.learningRate = learningRate;
        this.batchSize = batchSize;
    }

    /** Writes W row-major into the first rows·cols entries of {@code into} (long enough). */
    abstract void writeWeights(double[] into);

    /** Counts one accepted update; called at the end of {@link #step()}. */
    final void countStep() {
        steps++;
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final double[] weights() {
        double[] w = new double[rows * cols];
        writeWeights(w);
        return w;
    }

    @Override
    public final void copyWeights(double[] into) {
        if (into.length < rows * cols) {
            throw new IllegalArgumentException("destination holds " + into.length + " values, W has " + rows * cols);
        }
        writeWeights(into);
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final int batchSize() {
        return batchSize;
    }
}
