package io.catalogingest.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The operator's and merchant's command line. */
@Command(name = "pipelinectl", mixinStandardHelpOptions = true, version = "pipelinectl 0.1.0",
        description = "Operate the catalog ingest pipeline.",
        subcommands = {DevCommand.class, MerchantsCommand.class, KeysCommand.class, BenchCommand.class})
public final class PipelineCtl {
    public static void main(String[] args) {
        int exit = new CommandLine(new PipelineCtl()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
