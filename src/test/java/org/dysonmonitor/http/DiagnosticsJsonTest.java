package org.dysonmonitor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.math3.random.MersenneTwister;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;
import org.junit.jupiter.api.Test;

/** The diagnostics as a client of the API reads them: the names of the issue, L-keyed objects, null for unknown. */
class DiagnosticsJsonTest {

    @Test
    void aReportCarriesTheDiagnosticsUnderTheirNames() throws Exception {
        MersenneTwister rng = new MersenneTwister(4);
        double[] x = new double[120];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.pow(1 - rng.nextDouble(), -1 / 1.5); // Pareto, α = 2.5
        }
        java.util.Arrays.sort(x);
        LayerReport report = new LayerStatistics("r", "W", 300, 120, null, LayerStatistics.Config.defaults())
                .update(7, new Spectrum(300, 120, x), Double.NaN, 0);
        JsonNode json = Json.MAPPER.readTree(Json.write(report));
        for (String name : new String[] {"powerlaw_alpha", "powerlaw_alpha_sigma", "powerlaw_xmin",
                "powerlaw_ks_distance", "powerlaw_alpha_weighted", "log_frobenius_norm", "log_spectral_norm",
                "log_alpha_norm", "mp_softrank", "matrix_entropy"}) {
            assertTrue(json.get(name).isNumber(), name + " is a number: " + json.get(name));
        }
        assertEquals(report.powerlawAlpha(), json.get("powerlaw_alpha").asDouble(), 0);
        assertEquals(report.trainingStatus(), json.get("training_status").asText());
        assertTrue(json.get("randomized_distance").isNull(), "no baseline without W");
        assertTrue(json.get("correlation_traps").isNull());
        assertEquals(-1, json.get("randomized_step").asLong());
        for (String field : new String[] {"spectral_rigidity", "number_variance"}) {
            JsonNode byLength = json.get(field);
            assertTrue(byLength.isObject(), field);
            java.util.List<String> lengths = new java.util.ArrayList<>();
            byLength.fieldNames().forEachRemaining(lengths::add);
            assertEquals(java.util.List.of("2", "5", "10", "20"), lengths, field + " keyed by L in order");
        }
        assertEquals(report.spectralRigidity(5), json.get("spectral_rigidity").get("5").asDouble(), 0);
    }
}
