package org.dysonmonitor.rmt;

/**
 * One bin of the measured conditional mean increment of a mode (the Kramers–Moyal drift): the pairs of
 * consecutive snapshots (x_n, x_{n+1}) whose x_n fell into the bin.
 *
 * @param x                 mean x_n of the pairs in the bin
 * @param driftPerUpdate    conditional mean increment per update, E[x_{n+1} − x_n | x_n ∈ bin]
 *                          converted from the snapshot interval Δ to one update by the factor
 *                          (φ − 1)/(a − 1) of the fitted linear drift (a = φ^Δ, exact for a linear drift)
 * @param driftError        standard error of {@code driftPerUpdate} (within-bin s.d./√count, same factor)
 * @param incrementVariance variance of x_{n+1} − x_n within the bin, over one snapshot interval Δ
 * @param count             number of pairs in the bin
 */
public record DriftBin(double x, double driftPerUpdate, double driftError, double incrementVariance, int count) {
}
