package org.dysonmonitor.sweep;

import java.util.Locale;

/** Number formatting shared by the report's tables and the plots' legends. */
final class Format {

    private Format() {
    }

    /**
     * "1.834 ± 0.012": the error to two significant digits and the value to the same decimal place;
     * small or large magnitudes share a power of ten, "(5.12 ± 0.07)e-3". A NaN error gives the value
     * alone to four significant digits; a NaN value gives "–".
     */
    static String pm(double value, double error) {
        if (!Double.isFinite(value)) {
            return "–";
        }
        if (!(Double.isFinite(error) && error > 0)) {
            return sig(value, 4);
        }
        double mag = Math.max(Math.abs(value), error);
        int exp = (int) Math.floor(Math.log10(mag));
        if (exp < -2 || exp > 4) {
            double scale = Math.pow(10, exp);
            return "(" + pm(value / scale, error / scale) + ")e" + exp;
        }
        int decimals = Math.max(0, Math.min(8, 1 - (int) Math.floor(Math.log10(error))));
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " ± " + f, value, error);
    }

    /** v to n significant digits, plain for moderate magnitudes, otherwise scientific; "–" for NaN. */
    static String sig(double v, int n) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        if (v == 0) {
            return "0";
        }
        int exp = (int) Math.floor(Math.log10(Math.abs(v)));
        if (exp < -3 || exp > 5) {
            return String.format(Locale.ROOT, "%." + (n - 1) + "e", v);
        }
        int decimals = Math.max(0, n - 1 - exp);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Fixed decimals; "–" for NaN. */
    static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
    }

    /** A number for a CSV cell: full precision, empty for NaN. */
    static String csv(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }
}
