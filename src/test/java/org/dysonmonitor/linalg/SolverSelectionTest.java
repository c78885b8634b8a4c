package org.dysonmonitor.linalg;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selection logic, from given library states, and the real fallback in a JVM without native LAPACK. */
class SolverSelectionTest {

    static final NativeLapack.Status LOADED_ONE_THREAD = new NativeLapack.Status(true,
            "OpenBLAS 0.3.21 (openblas-pthread) via liblapack.so.3", "OPENBLAS_NUM_THREADS=1", 1);
    static final NativeLapack.Status LOADED_TWO_THREADS = new NativeLapack.Status(true,
            "OpenBLAS 0.3.21 (openblas-pthread) via liblapack.so.3", "OPENBLAS_NUM_THREADS unset", 2);
    static final NativeLapack.Status MISSING = new NativeLapack.Status(false,
            "no system LAPACK found (liblapack.so.3 and libblas.so.3 did not load; netlib fell back to "
                    + "F2jLAPACK/Java11BLAS): " + NativeLapack.INSTALL_HINT, "", 1);

    @Test
    void autoUsesNativeFromTheCrossoverWhenTheLibraryLoads() {
        SolverSelection s = SolverSelection.decide(SolverSelection.Mode.AUTO, LOADED_ONE_THREAD, true);
        assertTrue(s.usesNative());
        assertEquals(SolverSelection.CROSSOVER_ONE_THREAD, s.nativeMinSize());
        assertEquals("ejml", s.backendFor(10, 10));
        assertEquals("ejml", s.backendFor(5000, SolverSelection.CROSSOVER_ONE_THREAD - 1));
        assertEquals("native", s.backendFor(SolverSelection.CROSSOVER_ONE_THREAD, 5000));
        assertEquals("native LAPACK (OpenBLAS 0.3.21 (openblas-pthread) via liblapack.so.3, OPENBLAS_NUM_THREADS=1)"
                + " for n ≥ 24, float32 layers with n ≥ 512 in float32; EJML below; the two-stage eigensolver"
                + " (?syevd_2stage) from n ≥ 1024 where it measures faster on this machine (the first 4 spectra of each"
                + " size try both)", s.reason(),
                "the test JVM runs with the foreign linker, as bin/dyson-monitor starts the monitor");
    }

    @Test
    void autoRaisesTheCrossoverAndSaysSoWhenOpenBlasIsMultiThreaded() {
        SolverSelection s = SolverSelection.decide(SolverSelection.Mode.AUTO, LOADED_TWO_THREADS, false);
        assertEquals(SolverSelection.CROSSOVER_MULTI_THREAD, s.nativeMinSize());
        assertTrue(s.reason().contains("for n ≥ 192; EJML below"), s.reason());
        assertFalse(s.reason().contains("float32"), s.reason());
        assertTrue(s.reason().contains("set OPENBLAS_NUM_THREADS=1"), s.reason());
    }

    @Test
    void autoDegradesToEjmlWithTheInstallHintWhenTheLibraryIsMissing() {
        SolverSelection s = SolverSelection.decide(SolverSelection.Mode.AUTO, MISSING, true);
        assertFalse(s.usesNative());
        assertEquals("ejml", s.backendFor(4096, 4096));
        assertTrue(s.reason().startsWith("EJML: no system LAPACK found"), s.reason());
        assertTrue(s.reason().endsWith("apt-get install libopenblas0-pthread"), s.reason());
        assertInstanceOf(EjmlSpectrumSolver.class, s.newSolver());
        assertInstanceOf(EjmlSpectrumSolver.class, s.get());
    }

    @Test
    void nativeRequiresTheLibraryAndSaysHowToGetIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SolverSelection.decide(SolverSelection.Mode.NATIVE, MISSING, true));
        assertTrue(e.getMessage().contains("apt-get install libopenblas0-pthread"), e.getMessage());

        SolverSelection s = SolverSelection.decide(SolverSelection.Mode.NATIVE, LOADED_ONE_THREAD, true);
        assertEquals(1, s.nativeMinSize());
        assertEquals("native", s.backendFor(1, 1));
    }

    @Test
    void ejmlNeedsNoLibraryCheck() {
        SolverSelection s = SolverSelection.decide(SolverSelection.Mode.EJML, null, true);
        assertFalse(s.usesNative());
        assertEquals("EJML for every size (solver ejml)", s.reason());
        assertInstanceOf(EjmlSpectrumSolver.class, s.newSolver());
    }

    @Test
    void modesParseFromTheCommandLineSpelling() {
        assertEquals(SolverSelection.Mode.AUTO, SolverSelection.Mode.parse("auto"));
        assertEquals(SolverSelection.Mode.NATIVE, SolverSelection.Mode.parse(" Native "));
        assertEquals(SolverSelection.Mode.EJML, SolverSelection.Mode.parse("EJML"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SolverSelection.Mode.parse("mkl"));
        assertEquals("solver must be one of auto, native, ejml; got mkl", e.getMessage());
    }

    @Test
    void threadSettingFollowsOpenBlasPrecedence() {
        assertEquals(2, NativeLapack.blasThreads(Map.of(), 2));
        assertEquals(1, NativeLapack.blasThreads(Map.of("OPENBLAS_NUM_THREADS", "1", "OMP_NUM_THREADS", "4"), 2));
        assertEquals(2, NativeLapack.blasThreads(Map.of("OMP_NUM_THREADS", "8"), 2), "capped at the cores");
        assertEquals(1, NativeLapack.blasThreads(Map.of("GOTO_NUM_THREADS", "1"), 4));
        assertEquals(4, NativeLapack.blasThreads(Map.of("OPENBLAS_NUM_THREADS", "x"), 4));
        assertEquals(1, NativeLapack.blasThreads("OpenBLAS 0.3.21 (openblas-serial) via liblapack.so.3", Map.of(), 4),
                "the serial build runs one thread whatever the environment says");
        assertEquals(4, NativeLapack.blasThreads("OpenBLAS 0.3.21 (openblas-pthread) via liblapack.so.3", Map.of(), 4));
        assertEquals("OMP_NUM_THREADS=3", NativeLapack.threadSetting(Map.of("OMP_NUM_THREADS", " 3")));
        assertEquals("OPENBLAS_NUM_THREADS unset", NativeLapack.threadSetting(Map.of()));
        assertEquals(SolverSelection.CROSSOVER_ONE_THREAD, SolverSelection.crossover(1));
        assertEquals(SolverSelection.CROSSOVER_MULTI_THREAD, SolverSelection.crossover(2));
    }

    @Test
    void serialisationFollowsTheThreadCountUnlessOverridden() {
        assertFalse(NativeSpectrumSolver.serializeSetting("auto", 1));
        assertTrue(NativeSpectrumSolver.serializeSetting("auto", 2));
        assertFalse(NativeSpectrumSolver.serializeSetting("false", 2));
        assertTrue(NativeSpectrumSolver.serializeSetting("TRUE", 1));
        assertThrows(IllegalArgumentException.class, () -> NativeSpectrumSolver.serializeSetting("sometimes", 1));
    }

    @Test
    void mappedLibrariesAreNamed() {
        assertEquals("OpenBLAS 0.3.21 (openblas-pthread) via liblapack.so.3", NativeLapack.describeMappedLibraries(Set.of(
                "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so")));
        assertEquals("OpenBLAS 0.3.26 via liblapack.so.3", NativeLapack.describeMappedLibraries(Set.of(
                "/opt/lib/libopenblas-r0.3.26.so")));
        assertEquals("LAPACK at /usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0", NativeLapack.describeMappedLibraries(
                Set.of("/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0")));
    }

    /**
     * A child JVM in which netlib is told to load a library that does not exist (its own system
     * property): auto must fall back to EJML, say why, and still compute spectra; native must refuse.
     */
    @Test
    void aJvmWithoutSystemLapackFallsBackToEjml() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(),
                "-Ddev.ludovic.netlib.lapack.nativeLib=libdyson-no-such-lapack.so.3",
                "-Ddev.ludovic.netlib.blas.nativeLib=libdyson-no-such-blas.so.3",
                "-cp", System.getProperty("java.class.path"), FallbackProbe.class.getName()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not exit; output:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("loaded=false"), output);
        assertTrue(output.contains("auto: EJML: no system LAPACK found"), output);
        assertTrue(output.contains("apt-get install libopenblas0-pthread"), output);
        assertTrue(output.contains("solver=ejml"), output);
        assertTrue(output.contains("spectrum=[0.25, 1.0, 4.0, 9.0]"), output);
        assertTrue(output.contains("native refused: solver native: no system LAPACK found"), output);
    }
}
