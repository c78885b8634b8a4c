package org.dysonmonitor.metrics;

import java.util.List;
import java.util.Set;

/**
 * The one list of the metric names of design.md's Metrics table, as sample names: histogram and
 * summary families by their {@code _bucket}/{@code _count}/{@code _sum} samples. The contract tests
 * check a real scrape against it, and {@code scripts/check-observability.sh} reads the quoted names
 * of the list below from this file (scripts/observability/common.py) to check the rules and
 * dashboards. A new metric: one line here, one row in design.md, nothing else to keep in step.
 */
public final class MetricNames {

    /** One name a line, so that additions merge without conflicts. */
    public static final List<String> DESIGN_SAMPLE_NAMES = List.of(
            "dyson_eigenvalue",
            "dyson_eigenvalue_mean",
            "dyson_eigenvalue_variance",
            "dyson_eigenvalue_quantile",
            "dyson_pair_sigma_squared",
            "dyson_pair_spacing_s2",
            "dyson_pair_binder_cumulant",
            "dyson_sigma_squared_per_lr_batch",
            "dyson_spacing_ratio_mean",
            "dyson_spacing_ks_wigner",
            "dyson_spacing_ks_poisson",
            "dyson_level_spacing_bucket",
            "dyson_level_spacing_count",
            "dyson_level_spacing_sum",
            "dyson_mp_ks_distance",
            "dyson_mp_spikes",
            "dyson_spectral_norm",
            "dyson_stable_rank",
            "dyson_target_distance",
            "dyson_converged",
            "dyson_training_step",
            "dyson_learning_rate",
            "dyson_batch_size",
            "dyson_snapshots_received_total",
            "dyson_snapshots_processed_total",
            "dyson_snapshots_dropped_total",
            "dyson_snapshots_rejected_total",
            "dyson_spectrum_compute_seconds_count",
            "dyson_spectrum_compute_seconds_sum",
            "dyson_last_update_timestamp_seconds",
            "dyson_powerlaw_alpha",
            "dyson_powerlaw_alpha_weighted",
            "dyson_powerlaw_xmin",
            "dyson_powerlaw_ks_distance",
            "dyson_log_frobenius_norm",
            "dyson_log_spectral_norm",
            "dyson_mp_softrank",
            "dyson_matrix_entropy",
            "dyson_randomized_distance",
            "dyson_correlation_traps",
            "dyson_spectral_rigidity",
            "dyson_number_variance",
            "dyson_mode_relaxation_updates",
            "dyson_mode_predicted_variance",
            "dyson_mode_measured_variance",
            "dyson_mode_drift_slope",
            "dyson_mode_diffusion",
            "dyson_mode_autocorrelation_updates",
            "dyson_convergence_eta_seconds",
            "dyson_convergence_eta_updates");

    /**
     * Metrics of every monitor that design.md's table does not name (the README's metric table lists
     * them): how many reports came from full and from tracked top spectra, why a full one was forced, and the
     * band time of the convergence (every tracked mode within its band).
     */
    public static final List<String> BEYOND_DESIGN_SAMPLE_NAMES = List.of(
            "dyson_spectrum_snapshots_total",
            "dyson_spectrum_forced_full_total",
            "dyson_convergence_band_eta_updates");

    /**
     * The Dyson Brownian motion series appear with a layer's first dynamics measurement (its 50th
     * snapshot, rmt.LayerDynamics), not with its first report.
     */
    public static final Set<String> AFTER_DYNAMICS_MEASUREMENT = DESIGN_SAMPLE_NAMES.stream()
            .filter(name -> name.startsWith("dyson_mode_") || name.startsWith("dyson_convergence_eta_"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * The history store's metrics ({@link HistoryMetrics}): present only when the monitor keeps history
     * (not with {@code --no-store}), so kept apart from the list every scrape must show.
     */
    public static final List<String> STORE_SAMPLE_NAMES = List.of(
            "dyson_history_written_total",
            "dyson_history_dropped_total",
            "dyson_history_write_errors_total",
            "dyson_history_thinned_total",
            "dyson_history_queued",
            "dyson_history_database_bytes");

    /**
     * A node's own series in cluster mode ({@code cluster.NodeMetrics}): present only with
     * {@code serve --cluster}, so kept apart from the list every scrape must show. The lost-snapshot
     * counter exists on the node that reconciled a dead node's ledger, from its first loss on.
     */
    public static final List<String> CLUSTER_SAMPLE_NAMES = List.of(
            "dyson_cluster_members",
            "dyson_cluster_shards",
            "dyson_cluster_entities",
            "dyson_cluster_entity_starts_total",
            "dyson_cluster_entity_resumes_total",
            "dyson_cluster_entity_stops_total",
            "dyson_snapshots_lost_total");

    /** Series Micrometer adds on its own: the Timer's recent maximum. Not in the design, not forbidden. */
    public static final Set<String> MICROMETER_EXTRAS = Set.of("dyson_spectrum_compute_seconds_max");

    private MetricNames() {
    }
}
