package org.dysonmonitor.metrics;

import java.util.regex.Pattern;

/**
 * The values this package lets into Prometheus labels. Every label value is a new time series, and
 * run, layer and rejection reason can arrive from HTTP clients, so anything outside a small alphabet
 * and length is collapsed into the single value {@link #INVALID} instead of becoming a series of its
 * own.
 *
 * <ul>
 *   <li>run and layer names: {@code [A-Za-z0-9_.:-]{1,64}}, the names design.md accepts;</li>
 *   <li>rejection reasons: {@code [a-z0-9_]{1,32}}, short snake_case words from a fixed set chosen
 *       by the caller (for example {@code bad_npy}, {@code too_large}).</li>
 * </ul>
 */
public final class LabelValues {

    /** The one label value that stands for every invalid run, layer or reason. */
    public static final String INVALID = "_invalid";

    /** Longest accepted run or layer name. */
    public static final int MAX_NAME_LENGTH = 64;

    /** Longest accepted rejection reason. */
    public static final int MAX_REASON_LENGTH = 32;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_NAME_LENGTH + "}");
    private static final Pattern REASON = Pattern.compile("[a-z0-9_]{1," + MAX_REASON_LENGTH + "}");

    private LabelValues() {
    }

    /** Whether {@code name} is a valid run or layer name; {@code null} is not. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** {@code name} itself when valid, else {@link #INVALID}. */
    public static String nameOrInvalid(String name) {
        return isValidName(name) ? name : INVALID;
    }

    /** Whether {@code reason} is a valid rejection reason; {@code null} is not. */
    public static boolean isValidReason(String reason) {
        return reason != null && REASON.matcher(reason).matches();
    }

    /** {@code reason} itself when valid, else {@link #INVALID}. */
    public static String reasonOrInvalid(String reason) {
        return isValidReason(reason) ? reason : INVALID;
    }
}
