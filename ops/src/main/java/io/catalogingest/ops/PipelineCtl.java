package io.catalogingest.ops;

import java.io.File;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * The operator's and merchant's command line. Settings come from flags, then a properties file
 * ({@code PIPELINECTL_CONFIG}, else {@code ~/.pipelinectl.properties}; keys are option names
 * without dashes, e.g. {@code bootstrap-servers}), then the services' environment variables.
 */
@Command(name = "pipelinectl", mixinStandardHelpOptions = true, version = "pipelinectl 0.1.0",
        description = "Operate the catalog ingest pipeline.",
        subcommands = {MerchantsCommand.class, KeysCommand.class, DlqCommand.class, LagCommand.class, TopicsCommand.class,
                UploadCommand.class})
public final class PipelineCtl {
    public static void main(String[] args) {
        System.exit(execute(commandLine(), args));
    }

    /** The command line with every operator command; launchers may add their own before {@link #execute}. */
    public static CommandLine commandLine() {
        return new CommandLine(new PipelineCtl());
    }

    /** Runs the command with the config file as defaults for every subcommand; returns the exit code. */
    public static int execute(CommandLine commandLine, String... args) {
        return execute(commandLine, Optional.ofNullable(System.getenv("PIPELINECTL_CONFIG")).map(File::new)
                .orElse(new File(System.getProperty("user.home"), ".pipelinectl.properties")), args);
    }

    /** A cluster or service that cannot be reached is an outcome with its own exit code, not a crash. */
    private static int unavailable(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) throws Exception {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException
                || cause instanceof org.apache.kafka.common.errors.RetriableException || cause instanceof java.io.IOException) {
            commandLine.getErr().println("unavailable: " + cause);
            return ExitCodes.UNAVAILABLE;
        }
        throw e;
    }

    static int execute(CommandLine commandLine, File config, String... args) {
        if (config.isFile()) {
            commandLine.setDefaultValueProvider(new PropertiesDefaultProvider(config));
        }
        return commandLine.setExecutionExceptionHandler(PipelineCtl::unavailable).execute(args);
    }
}
