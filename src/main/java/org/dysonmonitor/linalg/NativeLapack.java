package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the system LAPACK/BLAS could be loaded through dev.ludovic.netlib's JNI layer, checked
 * once per JVM.
 *
 * <p>netlib's {@code LAPACK.getInstance()} returns its JNI implementation (an instance of
 * {@link NativeLAPACK}) when its bundled {@code libnetliblapackjni.so} could {@code dlopen} the
 * system {@code liblapack.so.3}, and otherwise the pure-Java F2j translation (a {@code JavaLAPACK},
 * after logging a warning); the same holds for BLAS with {@code libblas.so.3}. The library name can
 * be overridden with the system properties {@code dev.ludovic.netlib.lapack.nativeLib} /
 * {@code nativeLibPath} (and {@code dev.ludovic.netlib.blas.*}); naming a library that does not
 * exist forces the fallback, which is how the degraded path is tested.
 *
 * <p>OpenBLAS reads its thread count from {@code OPENBLAS_NUM_THREADS} (or {@code OMP_NUM_THREADS})
 * once, when it is loaded; netlib does not expose {@code openblas_set_num_threads}, so the setting
 * is an environment variable of the JVM process.
 */
public final class NativeLapack {

    /** Install hint shown wherever native LAPACK is missing. */
    public static final String INSTALL_HINT = "apt-get install libopenblas0-pthread";

    /**
     * The outcome of the one-time check.
     *
     * @param loaded   true when both LAPACK and BLAS are the JNI implementations
     * @param library  what the system library is, e.g. "OpenBLAS 0.3.21 (openblas-pthread) via liblapack.so.3",
     *                 or why nothing loaded
     * @param threads  the BLAS thread setting taken from the environment, e.g. "OPENBLAS_NUM_THREADS=1"
     * @param blasThreads the number of threads OpenBLAS uses per call under that setting (1 when not loaded)
     */
    public record Status(boolean loaded, String library, String threads, int blasThreads) {
        /** One line for logs: library and thread setting. */
        public String describe() {
            return loaded ? library + ", " + threads : library;
        }
    }

    private NativeLapack() {
    }

    private static final class Holder {
        static final Status STATUS = check();
    }

    /** The status, computed on first use (this loads netlib and, through it, the system library). */
    public static Status status() {
        return Holder.STATUS;
    }

    /** The JNI LAPACK; throws IllegalStateException with the install hint when it did not load. */
    static LAPACK lapack() {
        requireLoaded();
        return LAPACK.getInstance();
    }

    /** The JNI BLAS; throws IllegalStateException with the install hint when it did not load. */
    static BLAS blas() {
        requireLoaded();
        return BLAS.getInstance();
    }

    static void requireLoaded() {
        Status s = status();
        if (!s.loaded()) {
            throw new IllegalStateException("native LAPACK is not available: " + s.library());
        }
    }

    private static Status check() {
        boolean lapack;
        boolean blas;
        String lapackImpl;
        String blasImpl;
        try {
            LAPACK l = LAPACK.getInstance();
            BLAS b = BLAS.getInstance();
            lapack = l instanceof NativeLAPACK;
            blas = b instanceof NativeBLAS;
            lapackImpl = l.getClass().getSimpleName();
            blasImpl = b.getClass().getSimpleName();
        } catch (LinkageError | RuntimeException e) {
            return new Status(false, "netlib could not be initialised (" + e + "): " + INSTALL_HINT, "", 1);
        }
        if (!lapack || !blas) {
            String missing = !lapack && !blas ? "liblapack.so.3 and libblas.so.3"
                    : !lapack ? "liblapack.so.3" : "libblas.so.3";
            return new Status(false, "no system LAPACK found (" + missing + " did not load; netlib fell back to "
                    + lapackImpl + "/" + blasImpl + "): " + INSTALL_HINT, "", 1);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String library = describeLoadedLibrary();
        return new Status(true, library, threadSetting(System.getenv()), blasThreads(library, System.getenv(), cores));
    }

    /**
     * Names the library behind liblapack.so.3 from the process's memory map (Linux), e.g. Debian's
     * alternatives link it to /usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3, which maps
     * libopenblasp-r0.3.21.so.
     */
    static String describeLoadedLibrary() {
        Set<String> mapped = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.matches(".*/lib(openblas|lapack|blas|mkl|blis|flexiblas)[^/]*$")) {
                    mapped.add(line.substring(slash));
                }
            }
        } catch (IOException | RuntimeException e) {
            return "system LAPACK via liblapack.so.3";
        }
        return describeMappedLibraries(mapped);
    }

    static String describeMappedLibraries(Set<String> mapped) {
        Pattern openblas = Pattern.compile("(.*)/libopenblas[a-z]*-r([0-9.]*[0-9])\\.so.*");
        for (String path : mapped) {
            Matcher m = openblas.matcher(path);
            if (m.matches()) {
                String dir = m.group(1).substring(m.group(1).lastIndexOf('/') + 1);
                String variant = dir.contains("openblas") ? " (" + dir + ")" : "";
                return "OpenBLAS " + m.group(2) + variant + " via liblapack.so.3";
            }
        }
        for (String path : mapped) {
            if (path.contains("openblas")) {
                return "OpenBLAS via liblapack.so.3";
            }
        }
        for (String path : mapped) {
            if (path.contains("liblapack.so")) {
                return "LAPACK at " + path;
            }
        }
        return "system LAPACK via liblapack.so.3";
    }

    /** The variables OpenBLAS reads, in its order of precedence. */
    private static final String[] THREAD_VARIABLES = {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"};

    /** The thread setting OpenBLAS read at load time (environment variables take effect only then). */
    static String threadSetting(Map<String, String> env) {
        for (String name : THREAD_VARIABLES) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return name + "=" + v.trim();
            }
        }
        return "OPENBLAS_NUM_THREADS unset";
    }

    /**
     * Threads per call of the loaded library: 1 for Debian's single-threaded OpenBLAS
     * ({@code libopenblas0-serial}, which ignores the variables), else {@link #blasThreads(Map, int)}.
     */
    static int blasThreads(String library, Map<String, String> env, int cores) {
        return library.contains("(openblas-serial)") ? 1 : blasThreads(env, cores);
    }

    /**
     * Threads per BLAS call as OpenBLAS derives them: the first positive value of its variables,
     * else one per core, at most the number of cores.
     */
    static int blasThreads(Map<String, String> env, int cores) {
        for (String name : THREAD_VARIABLES) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                try {
                    int t = Integer.parseInt(v.trim());
                    if (t > 0) {
                        return Math.min(t, cores);
                    }
                } catch (NumberFormatException e) {
                    // OpenBLAS reads a malformed value as 0, i.e. "use the default": so do we
                }
            }
        }
        return cores;
    }
}
