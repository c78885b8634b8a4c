package org.dysonmonitor.monitor;

import java.util.Locale;

/** What a layer's stream does when snapshots arrive faster than its spectrum actor handles them. */
public enum OverloadPolicy {
    /**
     * For live monitoring: newer snapshots replace queued ones, each replaced one counted as
     * dropped; the producer (a trainer or an HTTP client) is never slowed.
     */
    LATEST,
    /**
     * For experiments: nothing is dropped; a built-in trainer waits for room, an HTTP client is
     * answered once its snapshot is queued, or 503 after a timeout (counted as rejected).
     */
    ALL;

    /** The lowercase name used in the API and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "latest" or "all" (any case); IllegalArgumentException with the allowed values otherwise. */
    public static OverloadPolicy parse(String s) {
        for (OverloadPolicy p : values()) {
            if (p.label().equalsIgnoreCase(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("policy must be \"latest\" or \"all\", got \"" + s + "\"");
    }
}
