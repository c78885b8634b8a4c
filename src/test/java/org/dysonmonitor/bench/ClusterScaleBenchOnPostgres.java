package org.dysonmonitor.bench;

import org.dysonmonitor.store.PostgresServer;

import java.util.Arrays;
import java.util.Optional;

/**
 * {@code bench cluster} with its store writes against a real PostgreSQL of its own, made and
 * stopped by the tests' {@link PostgresServer} fixture (Debian's initdb and pg_ctl in a temporary
 * directory). Run from the test classpath:
 * {@code java -cp target/classes:target/test-classes:DEPS org.dysonmonitor.bench.ClusterScaleBenchOnPostgres [--quick]}.
 */
public final class ClusterScaleBenchOnPostgres {

    private ClusterScaleBenchOnPostgres() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int code;
        try (PostgresServer server = PostgresServer.start()) {
            ClusterScaleBenchOptions d = ClusterScaleBenchOptions.defaults();
            // Half the default round trips and writes: a 4096² update takes tens of ms on a loaded machine.
            ClusterScaleBenchOptions o = new ClusterScaleBenchOptions(d.sizes(), d.spectrumRuns(), 100, 100,
                    d.budgetSeconds(), d.cores(), Optional.of(server.url()),
                    Optional.of(server.passwordFile()));
            code = ClusterScaleBench.run(System.out, System.err, quick ? o.quick(false) : o);
        }
        System.exit(code);
    }
}
