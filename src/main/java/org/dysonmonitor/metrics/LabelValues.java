package org.dysonmonitor.metrics;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one source of the names the monitor accepts, and of the values it lets into Prometheus labels.
 * Every label value is a new time series, and run, layer and rejection reason can arrive from HTTP
 * clients, so anything outside a small alphabet and length is collapsed into the single value
 * {@link #INVALID} instead of becoming a series of its own.
 *
 * <ul>
 *   <li>run names: {@value #RUN_NAME_REGEX} (design.md);</li>
 *   <li>layer names, as PyTorch writes them ({@code encoder.layers.0.self_attn.in_proj_weight}):
 *       {@value #LAYER_NAME_REGEX};</li>
 *   <li>names starting with {@code _} are reserved for the monitor's own labels, {@link #INVALID}
 *       and {@link #WHOLE_MODEL};</li>
 *   <li>rejection reasons: {@code [a-z0-9_]{1,32}}, short snake_case words from a fixed set chosen
 *       by the caller (for example {@code bad_npy}, {@code too_large}).</li>
 * </ul>
 */
public final class LabelValues {

    /** The one label value that stands for every invalid run, layer or reason. */
    public static final String INVALID = "_invalid";

    /**
     * The layer label of a whole-model snapshot refused as a whole: it is counted once, received and
     * rejected, here, and nothing is counted under the model's layers.
     */
    public static final String WHOLE_MODEL = "_model";

    public static final int MAX_RUN_NAME_LENGTH = 64;
    public static final int MAX_LAYER_NAME_LENGTH = 128;

    /** Longest accepted rejection reason. */
    public static final int MAX_REASON_LENGTH = 32;

    public static final String RUN_NAME_REGEX = "[A-Za-z0-9.:-][A-Za-z0-9_.:-]{0," + (MAX_RUN_NAME_LENGTH - 1) + "}";
    public static final String LAYER_NAME_REGEX = "[A-Za-z0-9.:-][A-Za-z0-9_.:-]{0," + (MAX_LAYER_NAME_LENGTH - 1) + "}";

    private static final Pattern RUN_NAME = Pattern.compile(RUN_NAME_REGEX);
    private static final Pattern LAYER_NAME = Pattern.compile(LAYER_NAME_REGEX);
    private static final Pattern REASON = Pattern.compile("[a-z0-9_]{1," + MAX_REASON_LENGTH + "}");
    private static final Set<String> RESERVED = Set.of(INVALID, WHOLE_MODEL);

    private LabelValues() {
    }

    /** Whether a client may name a run {@code name}; {@code null} may not. */
    public static boolean isRunName(String name) {
        return name != null && RUN_NAME.matcher(name).matches();
    }

    /** Whether a client may name a layer {@code name}; {@code null} may not. */
    public static boolean isLayerName(String name) {
        return name != null && LAYER_NAME.matcher(name).matches();
    }

    /** What a client is told a run name ({@code layer} false) or layer name must be. */
    public static String nameRule(boolean layer) {
        return "1 to " + (layer ? MAX_LAYER_NAME_LENGTH : MAX_RUN_NAME_LENGTH)
                + " characters of A-Z a-z 0-9 _ . : -, not starting with _";
    }

    /** Whether {@code name} may be a run or layer label: a valid name or one of the reserved labels. */
    public static boolean isValidName(String name) {
        return name != null && (LAYER_NAME.matcher(name).matches() || RESERVED.contains(name));
    }

    /** {@code name} itself when valid as a label, else {@link #INVALID}. */
    public static String nameOrInvalid(String name) {
        return isValidName(name) ? name : INVALID;
    }

    /** {@code name} itself when valid as a run label, else {@link #INVALID}. */
    public static String runOrInvalid(String name) {
        return isRunName(name) || INVALID.equals(name) ? name : INVALID;
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
