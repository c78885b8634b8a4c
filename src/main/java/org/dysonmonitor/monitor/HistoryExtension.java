package org.dysonmonitor.monitor;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.typesafe.config.Config;
import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.HistoryStores;
import org.dysonmonitor.store.PostgresHistoryStore;
import org.dysonmonitor.store.SqliteHistoryStore;
import org.dysonmonitor.store.StoreSettings;
import org.dysonmonitor.store.StoredRun;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's history store, one per actor system, opened from the {@code dyson.store} section
 * of the configuration ({@code data-dir}, {@code retention}, {@code max-size}, {@code
 * checkpoint-interval}; {@code url} and {@code password-file} for a PostgreSQL store, which then
 * takes the data directory's place, its password never in the configuration); without {@code
 * dyson.store.data-dir} or {@code url} there is none (tests, {@code --no-store}). It also holds
 * the runs stored by earlier processes, read once at start, so that a run created again takes its
 * stored metadata. The store closes in CoordinatedShutdown, after the
 * actors stopped offering: what was queued is committed.
 *
 * <p>Opening may block (it reads the stored runs): {@link Monitor#start} does it on the caller's
 * thread before anything runs, so a bad data directory fails the start with its message.
 */
public final class HistoryExtension implements Extension {

    private static final ExtensionId<HistoryExtension> ID = new ExtensionId<>() {
        @Override
        public HistoryExtension createExtension(ActorSystem<?> system) {
            return new HistoryExtension(system);
        }
    };

    private final Optional<HistoryStore> store;
    private final Map<String, StoredRun> storedAtStart;
    private final Duration checkpointInterval;

    private HistoryExtension(ActorSystem<?> system) {
        Config config = system.settings().config();
        if (!config.hasPath("dyson.store.data-dir") && !config.hasPath("dyson.store.url")) {
            store = Optional.empty();
            storedAtStart = Map.of();
            checkpointInterval = Duration.ofSeconds(5);
            return;
        }
        Config c = config.getConfig("dyson.store");
        StoreSettings settings = StoreSettings.defaults(Path.of(c.hasPath("data-dir") ? c.getString("data-dir") : "."))
                .withRetention(c.getDuration("retention"))
                .withMaxBytes(c.getBytes("max-size"));
        checkpointInterval = c.getDuration("checkpoint-interval");
        HistoryStore opened = c.hasPath("url")
                ? HistoryStores.open(c.getString("url"), c.hasPath("password-file")
                        ? Optional.of(Path.of(c.getString("password-file"))) : Optional.empty(), settings, System.getenv())
                : SqliteHistoryStore.open(settings);
        String where = opened instanceof PostgresHistoryStore p ? p.database().toString()
                : settings.databaseFile().toAbsolutePath().toString();
        Map<String, StoredRun> runs = new LinkedHashMap<>();
        try {
            opened.runs().toCompletableFuture().get(30, TimeUnit.SECONDS).forEach(r -> runs.put(r.run(), r));
        } catch (Exception e) {
            opened.close();
            throw new org.dysonmonitor.store.HistoryStoreException("cannot read the stored runs of "
                    + where + ": " + e.getMessage(), e);
        }
        store = Optional.of(opened);
        storedAtStart = Map.copyOf(runs);
        system.log().info("history store: {} ({} stored runs), retention {}, at most {} bytes",
                where, runs.size(), settings.retention(), settings.maxBytes());
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                "close-history-store", () -> CompletableFuture.supplyAsync(() -> {
                    opened.close();
                    return Done.getInstance();
                }));
    }

    public static HistoryExtension get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The store, if the monitor keeps history. */
    public Optional<HistoryStore> store() {
        return store;
    }

    /** A run as stored by an earlier process, if it was. */
    public Optional<StoredRun> storedAtStart(String run) {
        return Optional.ofNullable(storedAtStart.get(run));
    }

    /** How often a layer checkpoints its running statistics. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }
}
