package org.dysonmonitor.store;

/**
 * A layer as stored: its shape and its snapshot accounting when last written.
 *
 * @param received  snapshots received
 * @param processed snapshots that produced a report
 * @param dropped   snapshots replaced by newer ones under the {@code latest} policy
 * @param rejected  snapshots rejected
 */
public record StoredLayer(String layer, int rows, int cols, long received, long processed, long dropped,
                          long rejected) {

    /** A layer known only by its shape (as a report names it). */
    public static StoredLayer ofShape(String layer, int rows, int cols) {
        return new StoredLayer(layer, rows, cols, 0, 0, 0, 0);
    }
}
