package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.dysonmonitor.store.HistoryStoreException;
import org.dysonmonitor.store.HistoryStores;
import org.dysonmonitor.store.PostgresSettings;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --store URL|DIR} and {@code --store-password-file FILE} into the {@code dyson.store}
 * configuration: a PostgreSQL URL becomes {@code dyson.store.url} (with the password file's path,
 * never the password), a directory {@code dyson.store.data-dir}. The URL and the password are
 * checked here, before anything starts: a bad URL, a password inside it, or a password file that
 * cannot be read is a usage error (exit code 2); a server that cannot be reached fails the start
 * the same way ({@link MonitorOptions#start}).
 */
final class StoreLocation {

    private StoreLocation() {
    }

    static Config apply(CommandLine cmd, Config config, MonitorOptions options, String store, Path passwordFile,
                        Map<String, String> environment) {
        if (store == null) {
            MonitorOptions.require(cmd, passwordFile == null,
                    "--store-password-file is the password of --store postgresql://...: give --store too");
            return config;
        }
        boolean url = PostgresSettings.isUrl(store);
        if (url) {
            try {
                HistoryStores.postgres(store, Optional.ofNullable(passwordFile), environment);
            } catch (HistoryStoreException e) {
                throw new CommandLine.ParameterException(cmd, "--store: " + e.getMessage());
            }
        }
        // --no-store given on the command line contradicts --store; its default (the test suite's) does not.
        MonitorOptions.require(cmd, !cmd.getParseResult().hasMatchedOption("--no-store"),
                "--store and --no-store exclude each other");
        MonitorOptions.require(cmd, url || passwordFile == null,
                "--store-password-file is for a PostgreSQL store, not the data directory " + store);
        Config out = config;
        if (!out.hasPath("dyson.store.retention")) {
            // --store without a data directory (the suite's no-store default): the store's other options too.
            out = out.withValue("dyson.store.retention", ConfigValueFactory.fromAnyRef(options.historyRetention.toMillis() + "ms"))
                    .withValue("dyson.store.max-size", ConfigValueFactory.fromAnyRef(options.maxDbSize))
                    .withValue("dyson.store.checkpoint-interval", ConfigValueFactory.fromAnyRef("5s"));
        }
        if (!url) {
            return out.withValue("dyson.store.data-dir", ConfigValueFactory.fromAnyRef(store));
        }
        out = out.withValue("dyson.store.url", ConfigValueFactory.fromAnyRef(store));
        if (passwordFile != null) {
            out = out.withValue("dyson.store.password-file",
                    ConfigValueFactory.fromAnyRef(passwordFile.toAbsolutePath().toString()));
        }
        return out;
    }
}
