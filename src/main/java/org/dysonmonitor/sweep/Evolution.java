package org.dysonmonitor.sweep;

/**
 * The whole spectrum of one run at every snapshot from its start (W ~ N(0, s²): a
 * Marchenko-Pastur spectrum) to the target: the data of the evolution plot.
 *
 * @param plan        the run
 * @param steps       training step of each snapshot
 * @param eigenvalues ascending eigenvalues of WᵀW at each snapshot, [snapshot][mode]
 * @param target      the target spectrum (ascending)
 */
public record Evolution(RunPlan plan, long[] steps, double[][] eigenvalues, double[] target) {

    public Evolution {
        if (steps.length != eigenvalues.length) {
            throw new IllegalArgumentException(steps.length + " steps but " + eigenvalues.length + " spectra");
        }
        steps = steps.clone();
        double[][] copy = new double[eigenvalues.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = eigenvalues[i].clone();
        }
        eigenvalues = copy;
        target = target.clone();
    }

    @Override
    public long[] steps() {
        return steps.clone();
    }

    @Override
    public double[][] eigenvalues() {
        double[][] copy = new double[eigenvalues.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = eigenvalues[i].clone();
        }
        return copy;
    }

    @Override
    public double[] target() {
        return target.clone();
    }

    public int size() {
        return steps.length;
    }

    public int modes() {
        return target.length;
    }

    public long step(int i) {
        return steps[i];
    }

    public double eigenvalue(int i, int mode) {
        return eigenvalues[i][mode];
    }
}
