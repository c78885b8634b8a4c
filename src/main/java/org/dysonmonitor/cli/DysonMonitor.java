package org.dysonmonitor.cli;

public final class DysonMonitor {
    public static void main(String[] args) {
    }
}
