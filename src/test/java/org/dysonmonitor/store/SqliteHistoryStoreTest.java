package org.dysonmonitor.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** The SQLite store on a real file in a temporary directory. */
class SqliteHistoryStoreTest extends HistoryStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StoreSettings settings() {
        return StoreSettings.defaults(dir);
    }

    @Override
    protected HistoryStore open(StoreSettings settings) {
        return SqliteHistoryStore.open(settings);
    }

    @Override
    protected long rows(String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + settings().databaseFile());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Another connection holds the database's write lock. */
    @Override
    protected AutoCloseable blockWriter(StoreSettings settings) throws Exception {
        Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + settings.databaseFile());
        Statement s = blocker.createStatement();
        s.execute("BEGIN EXCLUSIVE");
        return () -> {
            s.execute("COMMIT");
            s.close();
            blocker.close();
        };
    }

    /** One process writes the file: a run active in an earlier one is idle until it receives again. */
    @Override
    protected String statusAfterReopen() {
        return StoredRun.IDLE;
    }
}
