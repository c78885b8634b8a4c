package org.dysonmonitor.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.monitor.HistoryExtension;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.store.HistoryPoint;
import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.StoredLayer;
import org.dysonmonitor.store.StoredRun;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The stored history: {@code GET /api/v1/runs/{run}/layers/{layer}/history?from_step=&to_step=&max_points=},
 * and the stored runs that {@code GET /api/v1/runs} lists after the live ones. Reads run on the
 * store's reader thread; these routes only wait for their stages.
 */
final class HistoryRoutes extends AllDirectives {

    static final int DEFAULT_POINTS = 1000;
    /** A bound on one answer: 10 000 points of 1 024 eigenvalues are ~200 MB of JSON already. */
    static final int MAX_POINTS = 10_000;

    private final Optional<HistoryStore> store;

    HistoryRoutes(Monitor monitor) {
        this.store = HistoryExtension.get(monitor.system()).store();
    }

    Route history(String run, String layer) {
        return parameterOptional("from_step", from -> parameterOptional("to_step", to ->
                parameterOptional("max_points", max -> history(run, layer, from, to, max))));
    }

    private Route history(String run, String layer, Optional<String> from, Optional<String> to, Optional<String> max) {
        if (store.isEmpty()) {
            return Responses.error(StatusCodes.NOT_FOUND, "this monitor keeps no history (it runs with --no-store)");
        }
        long fromStep;
        long toStep;
        long maxPoints;
        try {
            fromStep = from.map(Long::parseLong).orElse(Long.MIN_VALUE);
            toStep = to.map(Long::parseLong).orElse(Long.MAX_VALUE);
            maxPoints = max.map(Long::parseLong).orElse((long) DEFAULT_POINTS);
        } catch (NumberFormatException e) {
            return Responses.error(StatusCodes.BAD_REQUEST, "from_step, to_step and max_points must be integers");
        }
        if (maxPoints < 1 || maxPoints > MAX_POINTS) {
            return Responses.error(StatusCodes.BAD_REQUEST, "max_points must be in 1.." + MAX_POINTS + ", got " + maxPoints);
        }
        if (fromStep > toStep) {
            return Responses.error(StatusCodes.BAD_REQUEST, "from_step " + fromStep + " is after to_step " + toStep);
        }
        HistoryStore s = store.get();
        CompletionStage<Object> answer = s.history(run, layer, fromStep, toStep, (int) maxPoints)
                .thenCompose(points -> points.isEmpty() ? known(s, run, layer).thenApply(k -> k ? body(run, layer, points) : null)
                        : CompletableFuture.completedFuture(body(run, layer, points)));
        return onComplete(answer, result -> {
            if (result.isFailure()) {
                return Responses.error(StatusCodes.SERVICE_UNAVAILABLE, result.failed().get().getMessage());
            }
            if (result.get() == null) {
                return Responses.error(StatusCodes.NOT_FOUND, "no stored history for layer " + layer + " of run " + run);
            }
            return Responses.json(StatusCodes.OK, result.get());
        });
    }

    /**
     * Why a layer that is not live has no report, when the store knows it: after a restart a layer
     * comes back with its next snapshot, and until then only its stored points exist. Empty when
     * the store does not know the layer (or there is no store, or it cannot be read now).
     */
    CompletionStage<Optional<String>> storedButNotLive(String run, String layer) {
        if (store.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        HistoryStore s = store.get();
        return s.runs().thenCombine(s.lastSteps(), (runs, steps) -> holding(runs, run, layer)
                .map(r -> "layer " + layer + " of run " + run + " is stored (the run is " + r.status()
                        + (steps.containsKey(run) ? ", last stored step " + steps.get(run) : "")
                        + ") but not live in this process: its report returns with its next snapshot; its stored "
                        + "points: GET /api/v1/runs/" + run + "/layers/" + layer + "/history"))
                .exceptionally(failure -> Optional.empty());
    }

    private static CompletionStage<Boolean> known(HistoryStore store, String run, String layer) {
        return store.runs().thenApply(runs -> holding(runs, run, layer).isPresent());
    }

    /** The stored run named {@code run}, if it has a layer named {@code layer}. */
    private static Optional<StoredRun> holding(List<StoredRun> runs, String run, String layer) {
        return runs.stream().filter(r -> r.run().equals(run)
                && r.layers().stream().anyMatch(l -> l.layer().equals(layer))).findFirst();
    }

    private static Map<String, Object> body(String run, String layer, List<HistoryPoint> points) {
        List<Map<String, Object>> out = new ArrayList<>(points.size());
        for (HistoryPoint p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", p.step());
            m.put("timestamp", p.timestampMillis() / 1000.0);
            m.put("eigenvalues", p.eigenvalues());
            if (p.modes().length != p.eigenvalues().length || p.modes().length > 0
                    && p.modes()[p.modes().length - 1] != p.modes().length - 1) {
                m.put("eigenvalue_modes", p.modes());
            }
            m.putAll(p.statistics());
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run);
        body.put("layer", layer);
        body.put("points", out);
        return body;
    }

    /**
     * The live runs, then the stored runs that are not live (idle or finished in an earlier process).
     * A live run also lists its stored layers that are not live yet (after a restart, until their
     * next snapshot), with their stored accounting, so that their history can be found.
     */
    CompletionStage<List<RunRegistry.RunView>> withStored(List<RunRegistry.RunView> live) {
        if (store.isEmpty()) {
            return CompletableFuture.completedFuture(live);
        }
        HistoryStore s = store.get();
        return s.runs().thenCombine(s.lastSteps(), (stored, steps) -> {
            Map<String, StoredRun> byName = new LinkedHashMap<>();
            stored.forEach(r -> byName.put(r.run(), r));
            List<RunRegistry.RunView> all = new ArrayList<>();
            for (RunRegistry.RunView v : live) {
                StoredRun r = byName.remove(v.run());
                all.add(r == null ? v : withStoredLayers(v, r));
            }
            byName.values().forEach(r -> all.add(view(r, steps.getOrDefault(r.run(), 0L))));
            return all;
        }).exceptionally(failure -> live);
    }

    private static RunRegistry.RunView withStoredLayers(RunRegistry.RunView v, StoredRun r) {
        Set<String> names = new HashSet<>();
        v.layers().forEach(l -> names.add(l.layer()));
        List<RunRegistry.LayerView> layers = new ArrayList<>(v.layers());
        for (RunRegistry.LayerView l : view(r, 0).layers()) {
            if (!names.contains(l.layer())) {
                layers.add(l);
            }
        }
        return layers.size() == v.layers().size() ? v : new RunRegistry.RunView(v.run(), v.status(), v.learningRate(),
                v.batchSize(), v.policy(), v.step(), layers, v.rejectedModels());
    }

    private static RunRegistry.RunView view(StoredRun r, long step) {
        List<RunRegistry.LayerView> layers = new ArrayList<>();
        for (StoredLayer l : r.layers()) {
            layers.add(new RunRegistry.LayerView(l.layer(), l.rows(), l.cols(), r.targets().containsKey(l.layer()),
                    l.received(), l.processed(), l.dropped(), l.rejected()));
        }
        return new RunRegistry.RunView(r.run(), r.status(), r.learningRate(), r.batchSize(), r.policy(), step, layers, 0);
    }
}
