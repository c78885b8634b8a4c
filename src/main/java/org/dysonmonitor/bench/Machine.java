package org.dysonmonitor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The conditions of a measurement: the CPU, its cores, and how loaded the (shared) machine is. */
public final class Machine {

    private Machine() {
    }

    /** The 1-minute system load average, NaN where the platform has none. */
    public static double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l >= 0 ? l : Double.NaN;
    }

    /** The 1-, 5- and 15-minute load averages as /proc/loadavg gives them, "?" where it cannot be read. */
    static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The CPU model (as lscpu's "Model name"), family/model numbers and cores. */
    static String describe() {
        String model = "?";
        String family = "?";
        String number = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals("?")) {
                    model = value;
                } else if (key.equals("cpu family") && family.equals("?")) {
                    family = value;
                } else if (key.equals("model") && number.equals("?")) {
                    number = value;
                }
            }
        } catch (IOException | RuntimeException e) {
            model = System.getProperty("os.arch");
        }
        return model + " (family " + family + ", model " + number + "), "
                + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name");
    }
}
