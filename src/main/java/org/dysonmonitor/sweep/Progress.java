package org.dysonmonitor.sweep;

import java.time.Duration;
import java.util.Locale;

/**
 * Where a sweep stands: published by the coordinator after every change, read by the progress bar.
 *
 * @param runsDone     pooled runs finished
 * @param runsFailed   runs that stopped without finishing
 * @param runsTotal    pooled runs planned
 * @param runsActive   runs training now
 * @param snapshots    LayerReports received (all runs)
 * @param workDone     estimated CPU µs done (finished runs plus the done part of active ones)
 * @param workTotal    estimated CPU µs of the whole sweep
 * @param elapsed      since the sweep started
 */
public record Progress(int runsDone, int runsFailed, int runsTotal, int runsActive, long snapshots, double workDone,
                       double workTotal, Duration elapsed) {

    public static Progress start(int runsTotal, double workTotal) {
        return new Progress(0, 0, runsTotal, 0, 0, 0, workTotal, Duration.ZERO);
    }

    /** Fraction of the estimated work done, in [0, 1]. */
    public double fraction() {
        return workTotal > 0 ? Math.min(1.0, Math.max(0.0, workDone / workTotal)) : 0.0;
    }

    /** Time left at the rate so far; null until there is a rate. */
    public Duration eta() {
        double f = fraction();
        if (f < 1e-3 || elapsed.isZero()) {
            return null;
        }
        return Duration.ofMillis((long) (elapsed.toMillis() * (1 - f) / f));
    }

    /**
     * One line: {@code [########..........]  42% runs 67/160 (4 active) · 1.23M snapshots · 3:05 elapsed · ETA 4:12}.
     *
     * @param width characters of the bar itself
     */
    public String line(int width) {
        int filled = (int) Math.round(fraction() * width);
        StringBuilder bar = new StringBuilder(width + 2).append('[');
        for (int i = 0; i < width; i++) {
            bar.append(i < filled ? '#' : '.');
        }
        bar.append(']');
        Duration eta = eta();
        return String.format(Locale.ROOT, "%s %3d%% runs %d/%d (%d active%s) · %s snapshots · %s elapsed · ETA %s",
                bar, Math.round(fraction() * 100), runsDone, runsTotal, runsActive,
                runsFailed > 0 ? ", " + runsFailed + " failed" : "", count(snapshots), clock(elapsed),
                eta == null ? "--:--" : clock(eta));
    }

    /** 1234 → "1234", 12345 → "12.3k", 1234567 → "1.23M". */
    static String count(long n) {
        if (n < 10_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    /** m:ss, or h:mm:ss from an hour. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
