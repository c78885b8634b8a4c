package org.dysonmonitor.http;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The query of a snapshot POST: {@code step} (required, ≥ 0), optional {@code lr} and {@code batch}. */
final class SnapshotParameters {

    /** The parsed values, or an error with its rejection reason. */
    record Result(long step, OptionalDouble learningRate, OptionalInt batchSize, String reason, String error) {
    }

    private SnapshotParameters() {
    }

    static Result parse(Optional<String> step, Optional<String> lr, Optional<String> batch) {
        if (step.isEmpty()) {
            return fail("bad_step", "query parameter step is required, e.g. ?step=1200");
        }
        long s;
        try {
            s = Long.parseLong(step.get());
        } catch (NumberFormatException e) {
            return fail("bad_step", "step must be a non-negative integer, got \"" + clip(step.get()) + "\"");
        }
        if (s < 0) {
            return fail("bad_step", "step must be a non-negative integer, got " + s);
        }
        OptionalDouble alpha = OptionalDouble.empty();
        if (lr.isPresent()) {
            double a;
            try {
                a = Double.parseDouble(lr.get());
            } catch (NumberFormatException e) {
                a = Double.NaN;
            }
            if (!(a > 0) || !Double.isFinite(a)) {
                return fail("bad_parameter", "lr must be a positive number, got \"" + clip(lr.get()) + "\"");
            }
            alpha = OptionalDouble.of(a);
        }
        OptionalInt b = OptionalInt.empty();
        if (batch.isPresent()) {
            int n;
            try {
                n = Integer.parseInt(batch.get());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                return fail("bad_parameter", "batch must be a positive integer, got \"" + clip(batch.get()) + "\"");
            }
            b = OptionalInt.of(n);
        }
        return new Result(s, alpha, b, null, null);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static Result fail(String reason, String message) {
        return new Result(0, OptionalDouble.empty(), OptionalInt.empty(), reason, message);
    }
}
