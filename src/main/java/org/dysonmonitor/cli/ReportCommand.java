package org.dysonmonitor.cli;

import org.dysonmonitor.store.HistoryPoint;
import org.dysonmonitor.store.HistoryStoreException;
import org.dysonmonitor.store.SqliteHistoryStore;
import org.dysonmonitor.store.StoreSettings;
import org.dysonmonitor.store.StoredLayer;
import org.dysonmonitor.store.StoredRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code report --data-dir DIR --run RUN --out OUT}: the offline report of a run kept in a history
 * store ({@link StoredRunReport}), read through the store itself, up to 10 000 evenly thinned reports
 * per layer (the history route's bound). The store may be in use by a running monitor (WAL).
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write PNG plots and summary.md of a run kept in a history store (--data-dir of serve or demo).")
final class ReportCommand extends CheckedCommand {

    static final int MAX_POINTS = 10_000;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The store's directory (holds dyson.db).")
    Path dataDir;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "The stored run to report on.")
    String run;

    @CommandLine.Mixin
    ReportDirectory report;

    @Override
    int call(CommandLine cmd) throws Exception {
        Path db = dataDir.resolve(StoreSettings.DATABASE_FILE);
        MonitorOptions.require(cmd, Files.isRegularFile(db), "--data-dir " + dataDir + ": no history store there (no "
                + StoreSettings.DATABASE_FILE + "); give the --data-dir that serve or demo used");
        SqliteHistoryStore store;
        try {
            store = SqliteHistoryStore.open(StoreSettings.defaults(dataDir));
        } catch (HistoryStoreException e) {
            throw new CommandLine.ParameterException(cmd, "--data-dir " + dataDir + ": " + e.getMessage());
        }
        try {
            List<StoredRun> runs = store.runs().toCompletableFuture().get(60, TimeUnit.SECONDS);
            StoredRun found = runs.stream().filter(r -> r.run().equals(run)).findFirst().orElse(null);
            MonitorOptions.require(cmd, found != null, "--run " + run + ": no such run in " + db + "; stored runs: "
                    + (runs.isEmpty() ? "none" : String.join(", ", runs.stream().map(StoredRun::run).toList())));
            List<StoredRunReport.LayerPoints> layers = new ArrayList<>();
            for (StoredLayer layer : found.layers()) {
                List<HistoryPoint> points = store.history(run, layer.layer(), Long.MIN_VALUE, Long.MAX_VALUE, MAX_POINTS)
                        .toCompletableFuture().get(300, TimeUnit.SECONDS);
                layers.add(new StoredRunReport.LayerPoints(layer, points));
            }
            Path out = report.prepare(cmd);
            List<Path> written = StoredRunReport.write(found, layers, out);
            cmd.getOut().println("report of run " + run + " (" + layers.size() + " layers): " + written.size()
                    + " files in " + out);
            return 0;
        } finally {
            store.close();
        }
    }
}
