package org.dysonmonitor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a local PostgreSQL server: its postmaster (found by the {@code port=P} of its command
 * line, as the tests' server is started) and its backends (the postmaster's children), from
 * {@code /proc/PID/stat} (utime + stime, and cutime + cstime of exited children), in seconds.
 * NaN where /proc cannot tell (no such server, another platform).
 */
final class ClusterScaleBenchServerCpu {

    /** Clock ticks per second of /proc's times: USER_HZ, 100 on Linux. */
    private static final double TICKS = 100;

    private ClusterScaleBenchServerCpu() {
    }

    static double seconds(int port) {
        long postmaster = postmaster(port);
        if (postmaster < 0) {
            return Double.NaN;
        }
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long[] stat = stat(p);
                if (stat != null && (stat[0] == postmaster || Long.parseLong(p.getFileName().toString()) == postmaster)) {
                    ticks += stat[1];
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return ticks / TICKS;
    }

    private static long postmaster(int port) {
        String option = "port=" + port;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains("postgres") && cmdline.contains(option + " ")) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // The process ended meanwhile.
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** {ppid, utime + stime + cutime + cstime} of a process, or null when it ended. */
    private static long[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"));
            // After the command's closing parenthesis: state ppid … (fields 3, 4, …; utime is field 14).
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ppid = Long.parseLong(f[1]);
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return new long[] {ppid, ticks};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
