package org.dysonmonitor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.dysonmonitor.cluster.ClusterNodes.awaitReport;
import static org.dysonmonitor.cluster.ClusterNodes.gauge;
import static org.dysonmonitor.cluster.ClusterNodes.gaussian;
import static org.dysonmonitor.cluster.ClusterNodes.get;
import static org.dysonmonitor.cluster.ClusterNodes.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster without a store keeps a layer's statistics only in its entity. A node that joins after
 * the layers were placed must not take any of them away (the coordinator's rebalance would start
 * them afresh there): every layer keeps counting from where it was, and the newcomer takes new
 * layers instead.
 */
class LateJoiningNodeTest {

    private static final int LAYERS = 12;

    @Test
    void aNodeJoiningLaterTakesNewLayersAndLosesNoStatistics() throws Exception {
        Random random = new Random(5);
        try (ClusterNodes nodes = ClusterNodes.start(2)) {
            // 12 layers in 100 shards over two nodes: about six each, a difference the default rebalance
            // (threshold 1) would even out as soon as a third region with none registers.
            for (int step = 0; step < 2; step++) {
                for (int i = 0; i < LAYERS; i++) {
                    assertEquals(202, post(nodes.url(step), "early", "L" + i, step, gaussian(random, 10, 10)).statusCode());
                }
            }
            for (int i = 0; i < LAYERS; i++) {
                awaitReport(nodes.url(0), "early", "L" + i, 2);
            }

            nodes.join();
            // The coordinator considers a rebalance every rebalance-interval (the fixture's 1 s): give it several.
            Thread.sleep(Duration.ofSeconds(4).toMillis());
            for (int i = 0; i < LAYERS; i++) {
                assertEquals(202, post(nodes.url(2), "early", "L" + i, 2, gaussian(random, 10, 10)).statusCode());
            }
            for (int i = 0; i < LAYERS; i++) {
                // A layer started afresh on the newcomer would report one snapshot at step 2, never three.
                JsonNode report = awaitReport(nodes.url(2), "early", "L" + i, 3);
                assertEquals(2, report.get("step").asLong());
            }

            for (int i = 0; i < LAYERS; i++) {
                assertEquals(202, post(nodes.url(0), "late", "L" + i, 0, gaussian(random, 10, 10)).statusCode());
            }
            for (int i = 0; i < LAYERS; i++) {
                awaitReport(nodes.url(1), "late", "L" + i, 1);
            }
            // Each node polls its region every 2 s for dyson_cluster_entities.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            double hostedByNewcomer;
            do {
                Thread.sleep(500);
                hostedByNewcomer = gauge(get(nodes.url(2) + "/metrics").body(), "dyson_cluster_entities");
            } while (hostedByNewcomer == 0 && System.nanoTime() < deadline);
            assertTrue(hostedByNewcomer > 0, "the node that joined later hosts none of the 12 new layers");
        }
    }
}
