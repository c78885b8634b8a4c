package org.dysonmonitor.linalg;

import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

/**
 * The eigenvalues of a symmetric matrix by LAPACK's two-stage tridiagonal reduction, {@code dsyevd_2stage}
 * / {@code ssyevd_2stage} with {@code jobz = 'N'}, called in the system LAPACK through the JDK's foreign
 * linker ({@code jdk.incubator.foreign}): netlib's JNI layer offers only the LAPACK 3.2 routines.
 *
 * <p><b>Why.</b> One-stage {@code ?sytrd} does half its 4/3·n³ flops in matrix-vector products, bound by
 * memory bandwidth once X outgrows the caches. The two-stage reduction goes dense → band (width b) in
 * matrix-matrix products, then band → tridiagonal by bulge chasing, O(n²b); the values come from the same
 * {@code ?sterf}. With one OpenBLAS thread (Debian's OpenBLAS 0.3.21, `bench spectrum`), on one 2-core VM:
 * in float64 1.4× slower at n = 512, 0.88× at 1 024, 0.63× at 2 048; in float32 1.12× at 1 024, 0.78× at
 * 2 048, 0.66× at 4 096; on an AMD EPYC VM, float64: 1.65× at 1 024, 1.39× at 1 536, 0.91× at 2 048; float32
 * 1.38× at 1 536, 1.10× at 2 048. Below {@link #MIN_SIZE} it never pays; from there {@link TwoStageTrial}
 * measures it per size on the machine it runs on. The values agree with
 * {@code ?syevd}'s to a few units of round-off of ‖X‖ (both are backward stable).
 *
 * <p><b>When it is there.</b> The foreign linker is an incubator module in JDK 17: the JVM must run with
 * {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED} ({@code bin/dyson-monitor}
 * and the test JVMs do), and the system LAPACK must export the routines (LAPACK ≥ 3.7; OpenBLAS has them).
 * Otherwise {@link Binding#system()} says why not and the workspaces keep {@code ?syevd}. The class must only be
 * touched once {@link Binding#system()} is available: without the module its other members do not link.
 *
 * <p><b>Memory.</b> LAPACK works on native copies (matrix, values, work arrays), reused while n repeats and
 * freed by the collector with their owner (implicit scopes); the Java arrays are not pinned during the call,
 * so the collector never waits for it. Not thread-safe: one instance per workspace.
 */
final class TwoStageEigenvalues {

    /** Smallest n of a Gram matrix that may take the two-stage reduction (see the class comment). */
    static final int MIN_SIZE = 1024;

    /**
     * What the JVM offers: the two routines, or why there are none. It links without the incubator module,
     * so {@link #system()} can say so where {@link TwoStageEigenvalues} itself would not link.
     */
    record Binding(MethodHandle dsyevd, MethodHandle ssyevd, String reason) {
        boolean available() {
            return dsyevd != null;
        }

        private static final class Holder {
            static final Binding SYSTEM = bindOrSayWhy();
        }

        /** The binding, made once per JVM; never throws. */
        static Binding system() {
            return Holder.SYSTEM;
        }

        private static Binding bindOrSayWhy() {
            if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
                return new Binding(null, null, "the JVM runs without --add-modules jdk.incubator.foreign");
            }
            if (!NativeLapack.status().loaded()) {
                return new Binding(null, null, "no native LAPACK");
            }
            try {
                return bind();
            } catch (LinkageError e) {
                return new Binding(null, null, "the foreign linker did not link (" + e + ")");
            }
        }
    }

    private final MethodHandle routine;
    private final int bytes;
    private final boolean single;
    private int size = -1;
    private MemorySegment matrix;
    private MemorySegment values;
    private MemorySegment work;
    private MemorySegment iwork;
    private int lwork;
    private int liwork;
    /** 'N', 'L', then the int arguments n, lwork, liwork, info. */
    private final MemorySegment arguments = MemorySegment.allocateNative(24, 8, ResourceScope.newImplicitScope());

    /** @param single float32 (ssyevd_2stage) rather than float64 (dsyevd_2stage) */
    TwoStageEigenvalues(Binding binding, boolean single) {
        if (!binding.available()) {
            throw new IllegalStateException("two-stage LAPACK is not available: " + binding.reason());
        }
        this.routine = single ? binding.ssyevd() : binding.dsyevd();
        this.single = single;
        this.bytes = single ? 4 : 8;
        MemoryAccess.setByteAtOffset(arguments, 0, (byte) 'N');
        MemoryAccess.setByteAtOffset(arguments, 1, (byte) 'L');
    }

    /**
     * The eigenvalues (ascending) of the n×n column-major symmetric matrix whose lower triangle is in
     * {@code gram} (double[] for float64, float[] for float32; not modified) into out[0..n).
     */
    void solve(Object gram, int n, double[] out) {
        if (n != size) {
            allocate(n);
        }
        matrix.copyFrom(heap(gram).asSlice(0, (long) bytes * n * n));
        setInt(0, n);
        setInt(1, lwork);
        setInt(2, liwork);
        call(work, iwork);
        int info = getInt(3);
        if (info != 0) {
            String name = single ? "ssyevd_2stage" : "dsyevd_2stage";
            throw new ArithmeticException(info > 0
                    ? name + " did not converge for a " + n + "×" + n + " Gram matrix (info = " + info + ")"
                    : name + " rejected argument " + (-info) + " for n = " + n);
        }
        for (int i = 0; i < n; i++) {
            out[i] = single ? MemoryAccess.getFloatAtIndex(values, i) : MemoryAccess.getDoubleAtIndex(values, i);
        }
    }

    /** Native arrays for n, the work arrays sized by LAPACK's workspace query (lwork = liwork = −1). */
    private void allocate(int n) {
        ResourceScope scope = ResourceScope.newImplicitScope();
        matrix = MemorySegment.allocateNative((long) bytes * n * n, 64, scope);
        values = MemorySegment.allocateNative((long) bytes * n, 64, scope);
        MemorySegment queriedWork = MemorySegment.allocateNative(8, 8, scope);
        MemorySegment queriedIwork = MemorySegment.allocateNative(4, 4, scope);
        setInt(0, n);
        setInt(1, -1);
        setInt(2, -1);
        call(queriedWork, queriedIwork);
        if (getInt(3) != 0) {
            throw new ArithmeticException("the two-stage workspace query failed for n = " + n + " (info = " + getInt(3) + ")");
        }
        // LAPACK returns lwork as a floating-point number in the first work element.
        double queried = single ? MemoryAccess.getFloat(queriedWork) : MemoryAccess.getDouble(queriedWork);
        lwork = Math.max(1, (int) Math.ceil(queried));
        liwork = Math.max(1, MemoryAccess.getInt(queriedIwork));
        work = MemorySegment.allocateNative((long) bytes * lwork, 64, scope);
        iwork = MemorySegment.allocateNative(4L * liwork, 64, scope);
        size = n;
    }

    /** ?syevd_2stage(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info): Fortran, all by reference. */
    private void call(MemorySegment workArray, MemorySegment iworkArray) {
        MemoryAddress base = arguments.address();
        MemoryAddress n = base.addOffset(8);
        try {
            routine.invokeExact(base, base.addOffset(1), n, matrix.address(), n, values.address(),
                    workArray.address(), base.addOffset(12), iworkArray.address(), base.addOffset(16),
                    base.addOffset(20));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void setInt(int index, int value) {
        MemoryAccess.setIntAtOffset(arguments, 8 + 4L * index, value);
    }

    private int getInt(int index) {
        return MemoryAccess.getIntAtOffset(arguments, 8 + 4L * index);
    }

    private static MemorySegment heap(Object array) {
        return array instanceof double[] d ? MemorySegment.ofArray(d) : MemorySegment.ofArray((float[]) array);
    }

    /** Loads the system LAPACK that netlib mapped (the same library, so the same OpenBLAS) and binds the routines. */
    private static Binding bind() {
        String library = mappedLapack();
        if (library == null) {
            return new Binding(null, null, "no liblapack.so.3 is mapped");
        }
        try {
            System.load(library);
            SymbolLookup lookup = SymbolLookup.loaderLookup();
            MethodHandle d = handle(lookup, "dsyevd_2stage_");
            MethodHandle s = handle(lookup, "ssyevd_2stage_");
            if (d == null || s == null) {
                return new Binding(null, null, library + " has no ?syevd_2stage (LAPACK < 3.7)");
            }
            return new Binding(d, s, "dsyevd_2stage/ssyevd_2stage in " + library);
        } catch (IllegalCallerException e) {
            return new Binding(null, null, "the JVM runs without --enable-native-access=ALL-UNNAMED");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return new Binding(null, null, "the foreign linker could not bind LAPACK (" + e + ")");
        }
    }

    private static MethodHandle handle(SymbolLookup lookup, String symbol) {
        MethodType type = MethodType.methodType(void.class, Collections.nCopies(11, MemoryAddress.class));
        FunctionDescriptor descriptor = FunctionDescriptor.ofVoid(Collections.nCopies(11, CLinker.C_POINTER)
                .toArray(new jdk.incubator.foreign.MemoryLayout[0]));
        return lookup.lookup(symbol).map(address -> CLinker.getInstance().downcallHandle(address, type, descriptor))
                .orElse(null);
    }

    /** The path of the liblapack.so.3 in this process's memory map (netlib dlopened it), or null. */
    private static String mappedLapack() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("/liblapack.so.3")) {
                    return line.substring(slash);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
