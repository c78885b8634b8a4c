package org.dysonmonitor.cli;

import picocli.CommandLine;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A command that checks its own options: {@link #call(CommandLine)} is given the command line picocli
 * parsed, so that a value out of range becomes a {@link CommandLine.ParameterException} (the usage
 * message on stderr, exit 2) through {@link MonitorOptions#require}, as a parse error would.
 */
abstract class CheckedCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        return call(spec.commandLine());
    }

    /** Checks the options (ParameterException: exit 2), does the work; the exit code. */
    abstract int call(CommandLine cmd) throws Exception;

    /** What {@code build} makes; its IllegalArgumentException (an option out of range) as a usage error. */
    static <T> T checked(CommandLine cmd, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }
}
