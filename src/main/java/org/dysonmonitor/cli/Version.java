package org.dysonmonitor.cli;

import picocli.CommandLine;

/** The version from the jar's manifest (or "dev" when run from classes). */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = DysonMonitor.class.getPackage().getImplementationVersion();
        return new String[] {"dyson-monitor " + (v == null ? "dev" : v)
                + " (Akka 2.6.21, Akka HTTP 10.2.10, Java " + Runtime.version() + ")"};
    }
}
