package org.dysonmonitor.store;

/**
 * The history store cannot be opened: the data directory is missing and cannot be made, is not a
 * directory, is read-only, is full, or holds a file that is not our database. The message says
 * which, for the CLI to print before it exits with code 2.
 */
public final class HistoryStoreException extends RuntimeException {

    public HistoryStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public HistoryStoreException(String message) {
        super(message);
    }
}
