package org.dysonmonitor.store;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** What a failed SQLite call means to the user of the history store. */
final class SqliteErrors {

    private SqliteErrors() {
    }

    /** The user's reading of {@code e}: a read-only, full or foreign file named as such, else its message. */
    static String explain(Exception e) {
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            switch (code) {
                case SQLITE_READONLY, SQLITE_READONLY_DIRECTORY, SQLITE_READONLY_DBMOVED, SQLITE_CANTOPEN:
                    return "the data directory or the database is not writable (" + code + ")";
                case SQLITE_FULL:
                    return "the disk or the database size limit is full (" + code + ")";
                case SQLITE_NOTADB:
                    return "the file is not an SQLite database (" + code + ")";
                default:
                    return e.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }
}
