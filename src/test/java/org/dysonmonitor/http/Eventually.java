package org.dysonmonitor.http;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waiting for the monitor's asynchronous work (a spectrum actor processing a snapshot, a retention
 * timer) by polling what a user would poll. The deadline only stops a hung test: nothing asserts how
 * fast anything happened, so it is generous.
 */
final class Eventually {

    static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private Eventually() {
    }

    /** Polls {@code observe} until {@code done} holds and returns that observation; fails with the last one. */
    static <T> T until(String what, Supplier<T> observe, Predicate<T> done) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        T last = observe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                return fail("still not " + what + " after " + HANG_GUARD.toSeconds() + " s; last seen: " + last);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting until " + what);
            }
            last = observe.get();
        }
        return last;
    }
}
