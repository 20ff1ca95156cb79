package io.catalogingest.ops;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import io.catalogingest.ops.dlq.DeadLetterFilter;
import io.catalogingest.ops.dlq.DeadLetterScan;
import io.catalogingest.ops.dlq.DeadLetterSummary;
import io.catalogingest.ops.dlq.Replay;
import io.catalogingest.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Dead-letter topics: what failed, the records themselves, and replay into the failing stage. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Inspect and replay dead-letter topics.",
        subcommands = {DlqCommand.Summary.class, DlqCommand.Show.class, DlqCommand.ReplayCommand.class})
final class DlqCommand {
    private abstract static class DlqSubcommand implements Callable<Integer> {
        @Mixin
        DlqOptions dlq;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        DeadLetterScan open() {
            return new DeadLetterScan(dlq.kafka.factory(), dlq.topic());
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = "Count dead letters by error code and class, with their time span and the uploads with most of them.")
    static final class Summary extends DlqSubcommand {
        @Override
        public Integer call() {
            DeadLetterSummary summary = new DeadLetterSummary();
            DeadLetterFilter filter = dlq.filter();
            try (DeadLetterScan scan = open()) {
                scan.scan(Map.of(), letter -> {
                    if (filter.test(letter)) {
                        summary.add(letter);
                    }
                    return true;
                });
                summary.print(out(), scan.topic());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print dead letters: the product and every header.")
    static final class Show extends DlqSubcommand {
        @Option(names = "--limit", defaultValue = "20", description = "Print at most this many records (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            int[] shown = {0};
            DeadLetterFilter filter = dlq.filter();
            try (DeadLetterScan scan = open()) {
                scan.scan(Map.of(), letter -> {
                    if (filter.test(letter)) {
                        out().println(letter.describe());
                        out().printf("  key: %s%n  product: %s%n", letter.record().key(),
                                letter.product() == null ? "(unreadable value)" : letter.product());
                        letter.headers().forEach((k, v) -> out().printf("  %s: %s%n", k, v));
                        shown[0]++;
                    }
                    return shown[0] < limit;
                });
            }
            out().printf("%d record(s) shown%n", shown[0]);
            return ExitCodes.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Republish dead letters into their stage's retry topic, so only the failing stage runs again.",
                    "What was replayed is kept in the replay ledger (topic " + Topics.REPLAYS + "), committed with the "
                            + "records: a rerun replays only what no run replayed yet, --max-replays bounds the replays of each "
                            + "item over all runs, and records the filters skip are left for another replay. "
                            + "Exit code 3 when records were refused for too many replays."})
    static final class ReplayCommand extends DlqSubcommand {
        @Option(names = "--dry-run", description = "Report what would be replayed; publish and commit nothing.")
        boolean dryRun;

        @Option(names = "--max", defaultValue = "0", description = "Replay at most this many records (0: all).")
        long max;

        @Option(names = "--rate", defaultValue = "0", description = "Replay at most this many records per second (0: no limit).")
        double rate;

        @Option(names = "--max-replays", defaultValue = "3",
                description = "Refuse records already replayed this many times (default ${DEFAULT-VALUE}).")
        long maxReplays;

        @Option(names = "--from-start", description = "Replay again what was replayed already (still within --max-replays).")
        boolean fromStart;

        @Override
        public Integer call() throws Exception {
            if (dlq.stage() == null) {
                spec.commandLine().getErr().println(dlq.deadLetterStage + " dead letters cannot be replayed (the status fold's are"
                        + " records it could not read or fold, the splitter's whole uploads it could not split): inspect them with"
                        + " 'dlq show --stage " + dlq.deadLetterStage + "', and have the merchant upload again");
                return ExitCodes.USAGE;
            }
            Replay.Settings settings = new Replay.Settings(dlq.stage(), Replay.defaultTransactionalId(dlq.stage()),
                    dlq.filter(), dryRun, fromStart, max, rate, maxReplays);
            Replay.Result result = new Replay(dlq.kafka.factory(), settings).run(out());
            String verb = dryRun ? "would replay" : "replayed";
            out().printf("%s%s %d record(s) into %s; %d skipped by the filters; %d replayed by an earlier run;"
                    + " %d refused (replayed %d times already)%n", dryRun ? "dry run: " : "", verb, result.replayed(),
                    Topics.retry(dlq.stage()), result.skipped(), result.done(), result.refused().size(), maxReplays);
            result.refused().forEach(letter -> out().println("  refused " + letter.describe()));
            if (result.stoppedAtMax()) {
                out().printf("stopped at --max %d; run again to continue%n", max);
            }
            return result.refused().isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }
}
