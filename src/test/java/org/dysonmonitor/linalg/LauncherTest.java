package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bin/dyson-monitor, the launcher the README, the Dockerfile and users start the monitor with: run
 * for real with this JVM on the test class path, it must give OpenBLAS one thread (so native
 * spectra run in parallel, unserialised), choose Shenandoah where the JVM has it (with the control
 * thread's and pacer's wake-ups of a monitor that idles between snapshots), keep an explicit
 * thread setting, open the JDK's foreign linker (the two-stage eigensolver), and pass arguments through
 * unchanged; under that collector the monitor it starts keeps a soft heap target (SoftHeapTarget).
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("bin", "dyson-monitor");
    private static final long GIB = 1L << 30;

    @BeforeAll
    static void nativeLapack() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    private static Map<String, String> launch(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return launch(LaunchProbe.class, env, args);
    }

    private static Map<String, String> launch(Class<?> main, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().remove("OPENBLAS_NUM_THREADS");
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("GOTO_NUM_THREADS");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("DYSON_MONITOR_GC");
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        pb.environment().put("DYSON_MONITOR_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("DYSON_MONITOR_MAIN", main.getName());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not exit");
        assertEquals(0, p.exitValue(), "launcher failed: " + err);
        java.util.HashMap<String, String> values = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    @Test
    void theCoreTypeFollowsTheCpuFlagsUnlessSetAndAnExplicitOneIsKept() throws Exception {
        // The rule as the launcher documents it, read from this machine's /proc/cpuinfo.
        String expected = "(unset)";
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        if (System.getProperty("os.arch").equals("amd64") && Files.isReadable(cpuinfo)) {
            String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> " " + l.substring(l.indexOf(':') + 1).trim() + " ").orElse("");
            if (List.of("avx512f", "avx512vl", "avx512bw", "avx512dq").stream().allMatch(f -> flags.contains(" " + f + " "))) {
                expected = "SkylakeX";
            } else if (flags.contains(" avx2 ") && flags.contains(" fma ")) {
                expected = "Haswell";
            }
        }
        assertEquals(expected, launch(Map.of()).get("coretype"));
        assertEquals("Prescott", launch(Map.of("OPENBLAS_CORETYPE", "Prescott")).get("coretype"));
        assertEquals("", launch(Map.of("OPENBLAS_CORETYPE", "")).get("coretype"), "an empty value is a choice too");
    }

    @Test
    void plainLaunchGivesOneBlasThreadParallelSpectraAndShenandoah() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), "bin/dyson-monitor must be executable");
        Map<String, String> v = launch(Map.of(), "serve", "--bind", "two words", "");
        assertEquals("1", v.get("env"));
        assertEquals("1", v.get("blasThreads"));
        assertEquals("false", v.get("serialized"), "one BLAS thread: native spectra of layers run in parallel");
        if (jvmHasShenandoah()) {
            assertTrue(v.get("gc").contains("Shenandoah"), v.get("gc"));
            // A monitor idle between snapshots: the control thread polls every 10-100 ms, no pacer.
            assertEquals("10", v.get("ShenandoahControlIntervalMin"));
            assertEquals("100", v.get("ShenandoahControlIntervalMax"));
            assertEquals("false", v.get("ShenandoahPacing"));
        } else {
            assertTrue(v.get("gc").contains("G1"), "without Shenandoah the JVM default stays: " + v.get("gc"));
        }
        assertEquals("serve|--bind|two words|", v.get("args"));
        assertEquals("true", v.get("twoStage"), "the launcher opens the foreign linker to the two-stage eigensolver");
    }

    private static boolean jvmHasShenandoah() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseShenandoahGC", "-version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void theMonitorKeepsItsSoftHeapTargetAtFourTimesTheLiveSetAndAtLeastTwoGib() throws Exception {
        assumeTrue(jvmHasShenandoah(), "SoftMaxHeapSize is Shenandoah's (and ZGC's)");
        Map<String, String> v = launch(SoftHeapProbe.class, Map.of("JAVA_OPTS", "-Xmx4g"), "20");
        long max = Long.parseLong(v.get("maxHeap"));
        assertEquals(4 * GIB, max);
        assertEquals(2 * GIB, Long.parseLong(v.get("start")), "a live set of a few MB: the floor, 2 GiB");
        assertEquals(2.0 * GIB, Double.parseDouble(v.get("gauge")), "dyson_heap_soft_max_bytes shows the flag");
        long held = Long.parseLong(v.get("held").split(";")[0]);
        long live = (long) SoftHeapProbe.LIVE_MIB << 20;
        // 4 × (768 MiB + the monitor's own) after the probe's collection, or within an eighth of it when an
        // earlier cycle (while the live set was being allocated) already set it: at least 8/9 of 4 × 768 MiB.
        assertTrue(held >= 4 * live * 8 / 9 && held <= max, "4 × the live set, within the max heap: " + held);
        assertEquals(2 * GIB, Long.parseLong(v.get("released")), "the live set gone: back to the floor");
    }

    @Test
    void anExplicitSoftMaxHeapSizeIsKept() throws Exception {
        assumeTrue(jvmHasShenandoah(), "SoftMaxHeapSize is Shenandoah's (and ZGC's)");
        Map<String, String> v = launch(SoftHeapProbe.class, Map.of("JAVA_OPTS", "-Xmx4g -XX:SoftMaxHeapSize=1g"), "2");
        assertEquals(GIB, Long.parseLong(v.get("start")));
        assertEquals("(none)", v.get("gauge"), "no gauge when the monitor does not keep the target");
        assertEquals(GIB, Long.parseLong(v.get("held").split(";")[0]));
        assertEquals(GIB, Long.parseLong(v.get("released")));
    }

    @Test
    void anExplicitThreadSettingAndGcChoiceAreKept() throws Exception {
        Map<String, String> v = launch(Map.of("OPENBLAS_NUM_THREADS", "2", "DYSON_MONITOR_GC", "-XX:+UseParallelGC"));
        assertEquals("2", v.get("env"));
        assertEquals(String.valueOf(Math.min(2, Runtime.getRuntime().availableProcessors())), v.get("blasThreads"));
        assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors() > 1), v.get("serialized"),
                "several BLAS threads per call: one native spectrum at a time");
        assertTrue(v.get("gc").contains("PS "), v.get("gc"));
    }
}
