package org.dysonmonitor.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.monitor.ClusterMode;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.store.LedgerRow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/cluster}: the members as this node sees them; {@code GET /api/v1/cluster/accounting[?run=R]}:
 * the ledger summed over every node, per layer, with the totals of received = processed + dropped +
 * rejected + lost (lost: what dead nodes held in flight). 404 on a monitor that is not a cluster node.
 */
final class ClusterRoutes extends AllDirectives {

    private final Optional<ClusterMode.Wiring> cluster;

    ClusterRoutes(Monitor monitor) {
        this.cluster = monitor.cluster();
    }

    Route state() {
        return cluster.map(c -> Responses.json(StatusCodes.OK, c.state())).orElseGet(ClusterRoutes::notCluster);
    }

    Route accounting() {
        if (cluster.isEmpty()) {
            return notCluster();
        }
        return parameterOptional("run", run -> onSuccess(cluster.get().accounting(run.orElse(null)), rows -> {
            long received = 0;
            long settled = 0;
            for (LedgerRow r : rows) {
                received += r.received();
                settled += r.processed() + r.dropped() + r.rejected() + r.lost();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("layers", rows);
            body.put("received", received);
            body.put("settled", settled);
            body.put("in_flight", received - settled);
            return Responses.json(StatusCodes.OK, body);
        }));
    }

    private static Route notCluster() {
        return Responses.error(StatusCodes.NOT_FOUND, "this monitor is not a cluster node (serve --cluster)");
    }

}
