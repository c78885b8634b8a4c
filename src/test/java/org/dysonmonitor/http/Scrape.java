package org.dysonmonitor.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A scrape of {@code GET /metrics} as Prometheus reads it (text format 0.0.4): sample lines
 * {@code name{label="value",...} value}, and the {@code # TYPE} of each family. Fails on a line it
 * does not understand instead of skipping it.
 */
final class Scrape {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)( \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private final List<Sample> samples;
    private final Map<String, String> types;

    private Scrape(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                types.put(parts[0], parts[1]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                if (end != m.group(2).length()) {
                    fail("cannot read the labels of: " + line);
                }
            }
            samples.add(new Sample(m.group(1), Map.copyOf(labels), parseValue(m.group(3))));
        }
        return new Scrape(List.copyOf(samples), Map.copyOf(types));
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    List<Sample> samples() {
        return samples;
    }

    /** Samples of {@code name} whose labels include every entry of {@code where}. */
    List<Sample> samples(String name, Map<String, String> where) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(where.entrySet())) {
                found.add(s);
            }
        }
        return found;
    }

    /** The one sample of {@code name} with exactly these labels, or NaN if there is none. */
    double value(String name, Map<String, String> labels) {
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(labels)) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    /** The sum of {@code name} over the samples whose labels include {@code where} (0 if none). */
    double sum(String name, Map<String, String> where) {
        return samples(name, where).stream().mapToDouble(Sample::value).sum();
    }

    /** Values of {@code label} among the samples of {@code name} matching {@code where}. */
    Set<String> labelValues(String name, String label, Map<String, String> where) {
        Set<String> values = new TreeSet<>();
        for (Sample s : samples(name, where)) {
            if (s.labels().containsKey(label)) {
                values.add(s.labels().get(label));
            }
        }
        return values;
    }

    /** Every sample name (a histogram contributes its _bucket, _count and _sum). */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Whether any sample carries {@code label="value"}. */
    boolean anyLabelled(String label, String value) {
        return samples.stream().anyMatch(s -> value.equals(s.labels().get(label)));
    }

    Map<String, String> types() {
        return types;
    }
}
