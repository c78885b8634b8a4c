package org.dysonmonitor.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared guard of the native tests: a missing system LAPACK is a failure with the fix in its message. */
final class NativeLapackAssumptions {

    private NativeLapackAssumptions() {
    }

    static void requireNativeLapack() {
        NativeLapack.Status status = NativeLapack.status();
        assertTrue(status.loaded(), () -> "The native LAPACK tests need the system liblapack.so.3/libblas.so.3 "
                + "(Debian: " + NativeLapack.INSTALL_HINT + "; .ci/run installs it). netlib reported: "
                + status.library());
    }
}
