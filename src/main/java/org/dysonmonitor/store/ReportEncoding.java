package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.PairReport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one {@link LayerReport} is kept: its eigenvalues and its scalar statistics as two arrays of
 * little-endian float64 (numpy reads them with {@code np.frombuffer(blob, "<f8")}), the names of the
 * statistics kept once per distinct list in the store.
 *
 * <p>The scalar statistics are every {@code double}, {@code int}, {@code long} and {@code boolean}
 * component of {@link LayerReport} (booleans as 0/1) but the step and the shape, named as in the
 * API's JSON (snake_case), and those of every {@link PairReport} but its modes and centre, named
 * {@code pairs.<pair>.<name>}. Read by reflection, so a
 * statistic added to the report is kept without a change here. Per-mode arrays (window means and
 * variances, unfolded spacings, the pair histogram) are not kept: they follow from the eigenvalue
 * history, or describe a window rather than a point of it.
 *
 * <p>Eigenvalues: all of them up to {@code maxEigenvalues}; above, K = maxEigenvalues evenly spaced
 * modes m_i = ⌊i (n − 1)/(K − 1)⌋, i = 0..K−1 (the smallest and the largest always among them).
 * Stateless and thread-safe.
 */
public final class ReportEncoding {

    /** Kept as columns (step) or once per layer (its shape); not repeated in every point. */
    private static final List<Scalar> REPORT_SCALARS = scalars(LayerReport.class, "step", "rows", "cols");
    /** The pair's modes are its label, its centre the run's target: constant, not repeated. */
    private static final List<Scalar> PAIR_SCALARS = scalars(PairReport.class, "lower", "upper", "centre");

    private ReportEncoding() {
    }

    /** A report's stored form. */
    public record Encoded(byte[] eigenvalues, List<String> names, byte[] statistics) {
    }

    /** The modes kept of an n-mode spectrum when at most {@code max} are kept, ascending. */
    public static int[] keptModes(int n, int max) {
        int k = Math.min(n, max);
        int[] modes = new int[k];
        for (int i = 0; i < k; i++) {
            modes[i] = k == n ? i : (int) ((long) i * (n - 1) / (k - 1));
        }
        return modes;
    }

    public static Encoded encode(LayerReport report, int maxEigenvalues) {
        int[] modes = keptModes(report.modes(), maxEigenvalues);
        double[] kept = new double[modes.length];
        for (int i = 0; i < modes.length; i++) {
            kept[i] = report.eigenvalue(modes[i]);
        }
        int count = REPORT_SCALARS.size() + report.pairs().size() * PAIR_SCALARS.size();
        List<String> names = new ArrayList<>(count);
        double[] v = new double[count];
        int k = 0;
        for (Scalar s : REPORT_SCALARS) {
            names.add(s.name());
            v[k++] = s.read(report);
        }
        for (PairReport p : report.pairs()) {
            for (Scalar s : PAIR_SCALARS) {
                names.add("pairs." + p.pair() + "." + s.name());
                v[k++] = s.read(p);
            }
        }
        return new Encoded(bytes(kept), List.copyOf(names), bytes(v));
    }

    /** Little-endian float64, the layout of numpy's {@code "<f8"}. */
    public static byte[] bytes(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    public static double[] doubles(byte[] bytes) {
        if (bytes.length % Double.BYTES != 0) {
            throw new IllegalArgumentException("a float64 array cannot be " + bytes.length + " bytes long");
        }
        double[] out = new double[bytes.length / Double.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    /**
     * The statistics of a stored point by name, as the report's JSON has them: booleans as
     * booleans, counts as integers (by the report's current types; a name it no longer has stays a
     * double), and the pair statistics as a list under {@code "pairs"}, each with its {@code "pair"}
     * label: {@code {"spacing_ratio_mean": 0.53, ..., "pairs": [{"pair": "1-2", ...}]}}.
     */
    public static Map<String, Object> statistics(List<String> names, double[] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " names for " + values.length + " values");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Map<String, Object>> pairs = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            String name = names.get(i);
            if (name.startsWith("pairs.")) {
                int dot = name.indexOf('.', 6);
                String label = name.substring(6, dot);
                String field = name.substring(dot + 1);
                pairs.computeIfAbsent(label, k -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("pair", k);
                    return m;
                }).put(field, typed(PAIR_SCALARS, field, values[i]));
            } else {
                out.put(name, typed(REPORT_SCALARS, name, values[i]));
            }
        }
        out.put("pairs", List.copyOf(pairs.values()));
        return out;
    }

    private static Object typed(List<Scalar> scalars, String name, double v) {
        for (Scalar s : scalars) {
            if (s.name().equals(name)) {
                if (s.type() == boolean.class) {
                    return v != 0;
                }
                return s.type() == double.class ? (Object) v : (Object) (long) v;
            }
        }
        return v;
    }

    /** One scalar component, read as a double through a handle typed (Object)double. */
    private record Scalar(String name, MethodHandle accessor, Class<?> type) {

        double read(Object record) {
            try {
                return (double) accessor.invokeExact(record);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read " + name, e);
            }
        }
    }

    private static double booleanAsDouble(boolean b) {
        return b ? 1.0 : 0.0;
    }

    private static List<Scalar> scalars(Class<? extends Record> type, String... keptElsewhere) {
        List<Scalar> out = new ArrayList<>();
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        List<String> skip = List.of(keptElsewhere);
        try {
            MethodHandle fromBoolean = lookup.findStatic(ReportEncoding.class, "booleanAsDouble",
                    MethodType.methodType(double.class, boolean.class));
            for (RecordComponent c : type.getRecordComponents()) {
                Class<?> t = c.getType();
                boolean scalar = t == double.class || t == int.class || t == long.class || t == boolean.class;
                if (scalar && !skip.contains(c.getName())) {
                    MethodHandle h = lookup.unreflect(c.getAccessor());
                    if (t == boolean.class) {
                        h = MethodHandles.filterReturnValue(h, fromBoolean);
                    }
                    h = h.asType(MethodType.methodType(double.class, Object.class));
                    out.add(new Scalar(snakeCase(c.getName()), h, t));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(out);
    }

    /** {@code spacingRatioMean} → {@code spacing_ratio_mean}, as Jackson's SNAKE_CASE does it. */
    static String snakeCase(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
