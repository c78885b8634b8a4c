package org.dysonmonitor.store;

/**
 * A checkpoint file as the directory watcher saw it: the same path with the same size and
 * modification time is the same file, already processed.
 *
 * @param path           the file's path as the watcher names it
 * @param size           its size in bytes
 * @param modifiedMillis its last-modified time, milliseconds since the epoch
 */
public record FileIdentity(String path, long size, long modifiedMillis) {
}
