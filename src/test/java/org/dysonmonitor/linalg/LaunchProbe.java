package org.dysonmonitor.linalg;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** Started by {@link LauncherTest} through bin/dyson-monitor: prints what the launch gave the JVM. */
public final class LaunchProbe {

    private LaunchProbe() {
    }

    public static void main(String[] args) {
        NativeLapack.Status status = NativeLapack.status();
        System.out.println("env=" + System.getenv("OPENBLAS_NUM_THREADS"));
        System.out.println("blasThreads=" + status.blasThreads());
        String core = System.getenv("OPENBLAS_CORETYPE");
        System.out.println("coretype=" + (core == null ? "(unset)" : core));
        System.out.println("serialized=" + new NativeSpectrumSolver().serialized());
        StringBuilder gcs = new StringBuilder();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.append(gc.getName()).append(';');
        }
        System.out.println("gc=" + gcs);
        var vm = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        for (String option : new String[] {"ShenandoahControlIntervalMin", "ShenandoahControlIntervalMax",
                "ShenandoahPacing"}) {
            String value;
            try {
                value = vm.getVMOption(option).getValue();
            } catch (IllegalArgumentException notInThisJvm) {
                value = "(none)";
            }
            System.out.println(option + "=" + value);
        }
        System.out.println("twoStage=" + TwoStageEigenvalues.Binding.system().available());
        System.out.println("twoStageReason=" + TwoStageEigenvalues.Binding.system().reason());
        System.out.println("args=" + String.join("|", args));
    }
}
