package io.catalogingest.ops;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that works on the catalog database and reports on the command line's streams. */
abstract class DatabaseCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints the problem and returns the exit code for it. */
    int fail(String message) {
        spec.commandLine().getErr().println(message);
        return 1;
    }
}
