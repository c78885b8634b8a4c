package org.dysonmonitor.metrics;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A parsed Prometheus text exposition (format 0.0.4): the {@code # HELP} and {@code # TYPE} lines
 * and the samples {@code name{label="value",…} value}. Just enough of the format for tests that
 * read a real {@code scrape()}; it fails loudly on anything it does not understand rather than
 * skipping it.
 */
final class Exposition {

    /** One sample line; labels sorted by name. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, String> type = new LinkedHashMap<>();

    private Exposition() {
    }

    static Exposition parse(String text) {
        Exposition exposition = new Exposition();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                exposition.help.put(parts[0], parts.length > 1 ? parts[1] : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                exposition.type.put(parts[0], parts[1]);
            } else if (line.startsWith("#")) {
                continue; // other comments carry no data
            } else {
                exposition.samples.add(sample(line));
            }
        }
        return exposition;
    }

    List<Sample> samples() {
        return Collections.unmodifiableList(samples);
    }

    /** HELP text by metric family name. */
    Map<String, String> help() {
        return Collections.unmodifiableMap(help);
    }

    /** TYPE by metric family name. */
    Map<String, String> types() {
        return Collections.unmodifiableMap(type);
    }

    /** Names of all samples, e.g. {@code dyson_level_spacing_bucket}. */
    Set<String> sampleNames() {
        Set<String> names = new TreeSet<>();
        for (Sample s : samples) {
            names.add(s.name());
        }
        return names;
    }

    /** Samples named {@code name} whose labels include all of {@code labels} (name, value, …). */
    List<Sample> samples(String name, String... labels) {
        Map<String, String> wanted = labelMap(labels);
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet())) {
                found.add(s);
            }
        }
        return found;
    }

    /** Samples whose labels include all of {@code labels}, of any name. */
    List<Sample> samplesWith(String... labels) {
        Map<String, String> wanted = labelMap(labels);
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.labels().entrySet().containsAll(wanted.entrySet())) {
                found.add(s);
            }
        }
        return found;
    }

    /** The value of the one sample named {@code name} with exactly the labels given; fails if none. */
    double value(String name, String... labels) {
        Map<String, String> wanted = labelMap(labels);
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(wanted)) {
                return s.value();
            }
        }
        fail("no sample " + name + wanted);
        throw new AssertionError("unreachable");
    }

    /** Whether a sample named {@code name} with exactly these labels exists. */
    boolean has(String name, String... labels) {
        Map<String, String> wanted = labelMap(labels);
        return samples.stream().anyMatch(s -> s.name().equals(name) && s.labels().equals(wanted));
    }

    private static Map<String, String> labelMap(String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return map;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                if (line.charAt(eq + 1) != '"') {
                    fail("label value not quoted: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(key, value.toString()) != null) {
                    fail("label " + key + " twice: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            fail("no space before the value: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ");
        return new Sample(name, labels, number(rest[0]));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
