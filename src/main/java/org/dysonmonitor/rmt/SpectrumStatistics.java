package org.dysonmonitor.rmt;

/**
 * The statistics of one spectrum by itself, with no memory of earlier snapshots (physics.md §1, §4): ⟨r̃⟩,
 * the unfolded spacings and their KS distances to the Wigner surmise and to Poisson, the Marchenko-Pastur
 * fit with its KS distance, spikes and upper edge, WeightWatcher's heavy-tail diagnostics
 * ({@link HeavyTailMetrics}) and the spectral rigidity Δ₃(L) and number variance Σ²(L) of the unfolded bulk
 * ({@link SpectralRigidity}). {@link LayerStatistics} computes it on every full spectrum.
 */
final class SpectrumStatistics {

    private SpectrumStatistics() {
    }

    /**
     * Writes the statistics of the ascending eigenvalues {@code x} of WᵀW (not modified) of a rows × cols
     * layer into {@code report}.
     */
    static LayerReportBuilder into(LayerReportBuilder report, int rows, int cols, double[] x, Spectrum spectrum) {
        // Bulk statistics: zero modes of a rank-deficient W carry no level statistics.
        double[] levels = Spacings.nonZero(x, 1e-12);
        double ratio = SpacingRatio.mean(levels);
        double[] unfolded = Spacings.unfolded(levels);
        double ksWigner = unfolded.length > 0 ? WignerSurmise.ksDistance(unfolded) : Double.NaN;
        double ksPoisson = unfolded.length > 0 ? PoissonSpacing.ksDistance(unfolded) : Double.NaN;

        double mpKs = Double.NaN;
        int spikes = 0;
        double edge = Double.NaN;
        // The Marchenko-Pastur scale is fitted to the median eigenvalue: a layer of rank below n/2
        // (a zero-initialised adapter, a constant matrix) has none, and no bulk to compare.
        double median = (x.length % 2 == 1) ? x[x.length / 2] : 0.5 * (x[x.length / 2 - 1] + x[x.length / 2]);
        if (median > 0) {
            MarchenkoPastur mp = MarchenkoPastur.fit(rows, cols, x);
            mpKs = mp.ksDistance(x);
            // A pure-noise top eigenvalue passes x₊ itself ~17% of the time (finite-N Tracy-Widom
            // fluctuations), so a spike must clear the edge by SPIKE_MARGIN Tracy-Widom scales.
            spikes = mp.countAbove(x, LayerStatistics.SPIKE_MARGIN);
            edge = mp.upperEdge();
        }

        HeavyTailMetrics tail = HeavyTailMetrics.of(x, edge);
        PowerLawFit fit = tail.powerLaw();
        SpectralRigidity.Result rigidity = SpectralRigidity.of(unfolded);
        return report.spacings(ratio, ksWigner, ksPoisson, unfolded)
                .marchenkoPastur(mpKs, spikes, edge)
                .norms(spectrum.spectralNorm(), spectrum.stableRank())
                .powerLaw(fit.alpha(), fit.sigma(), fit.xmin(), fit.ksDistance(), fit.tailSize())
                .heavyTail(tail.alphaWeighted(), tail.logFrobeniusNorm(), tail.logSpectralNorm(), tail.logAlphaNorm(),
                        tail.mpSoftRank(), tail.matrixEntropy(), tail.status().label())
                .rigidity(rigidity.rigidity(), rigidity.numberVariance());
    }
}
