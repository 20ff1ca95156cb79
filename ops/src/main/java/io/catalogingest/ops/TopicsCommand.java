package io.catalogingest.ops;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.catalogingest.common.kafka.TopicSetup;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The pipeline's topics on a cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create and verify the pipeline's topics.",
        subcommands = TopicsCommand.Apply.class)
final class TopicsCommand {
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Create missing topics with their partitions, replication, retention and cleanup policy; "
                    + "report how existing ones drift from that. Safe to run again.",
                    "Exit code 3 while drift remains. Partition counts are never changed: more partitions would move keys."})
    static final class Apply implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--replication-factor", defaultValue = "${env:TOPIC_REPLICATION_FACTOR:-3}",
                description = "Replicas per partition (env TOPIC_REPLICATION_FACTOR; default ${DEFAULT-VALUE}; -1: broker default).")
        short replicationFactor;

        @Option(names = "--min-insync-replicas", defaultValue = "${env:TOPIC_MIN_INSYNC_REPLICAS:-2}",
                description = "min.insync.replicas, what acks=all waits for (env TOPIC_MIN_INSYNC_REPLICAS; default ${DEFAULT-VALUE}; "
                        + "-1: broker default).")
        int minInsyncReplicas;

        @Option(names = "--alter-configs", description = "Also correct config drift (retention, cleanup policy, min.insync.replicas).")
        boolean alterConfigs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            TopicSetup.Settings settings = new TopicSetup.Settings(
                    replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty(),
                    minInsyncReplicas > 0 ? Optional.of(minInsyncReplicas) : Optional.empty());
            TopicSetup.Report report;
            try (Admin admin = Admin.create(kafka.factory().common("pipelinectl-topics"))) {
                report = TopicSetup.apply(admin, settings, alterConfigs);
            }
            report.created().forEach(t -> out.println("created " + t));
            report.altered().forEach(d -> out.println("altered " + d));
            report.drift().forEach(d -> out.println("DRIFT   " + d));
            out.printf("%d topic(s) in spec, %d created, %d config(s) altered, %d drift(s)%n", Topics.all().size(),
                    report.created().size(), report.altered().size(), report.drift().size());
            return report.drift().isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }
}
