package io.catalogingest.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Brings the cluster's topics to the pipeline's spec ({@link Topics#all()}): creates the missing
 * ones and reports how existing ones differ. Partition counts and replication are only reported,
 * never changed: more partitions would move keys and break per-SKU order.
 */
public final class TopicSetup {
    private static final long TIMEOUT_SECONDS = 30;

    /** Cluster-dependent settings; empty means the broker's default. */
    public record Settings(Optional<Short> replicationFactor, Optional<Integer> minInsyncReplicas) {}

    /** One way an existing topic differs from its spec. */
    public record Drift(String topic, String setting, String expected, String actual) {
        @Override
        public String toString() {
            return topic + ": " + setting + " is " + actual + ", spec says " + expected;
        }
    }

    /** What apply did and what still differs. {@code altered} lists config drift it corrected. */
    public record Report(List<String> created, List<Drift> altered, List<Drift> drift) {}

    private TopicSetup() {}

    /** Creates missing topics with the given replication; what the local stack and tests need. */
    public static void createMissing(KafkaFactory kafka, short replicationFactor)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(kafka.common("topic-setup"))) {
            apply(admin, new Settings(Optional.of(replicationFactor), Optional.empty()), false);
        }
    }

    /** The topic configs the spec fixes. */
    public static Map<String, String> configs(Topics.TopicSpec spec, Settings settings) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, spec.compacted()
                ? TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE : TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(spec.retention().toMillis()));
        settings.minInsyncReplicas().ifPresent(n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(n)));
        return configs;
    }

    public static Report apply(Admin admin, Settings settings, boolean alterConfigs)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> missing = Topics.all().stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), settings.replicationFactor())
                        .configs(configs(t, settings)))
                .toList();
        admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        List<Topics.TopicSpec> present = Topics.all().stream().filter(t -> existing.contains(t.name())).toList();
        List<Drift> drift = drift(admin, present, settings);
        List<Drift> altered = new ArrayList<>();
        if (alterConfigs) {
            Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
            for (Drift d : drift) {
                if (!d.setting().equals("partitions") && !d.setting().equals("replication factor")) {
                    ops.computeIfAbsent(new ConfigResource(ConfigResource.Type.TOPIC, d.topic()), r -> new ArrayList<>())
                            .add(new AlterConfigOp(new ConfigEntry(d.setting(), d.expected()), AlterConfigOp.OpType.SET));
                    altered.add(d);
                }
            }
            admin.incrementalAlterConfigs(ops).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            drift = drift.stream().filter(d -> !altered.contains(d)).toList();
        }
        return new Report(missing.stream().map(NewTopic::name).toList(), altered, drift);
    }

    private static List<Drift> drift(Admin admin, List<Topics.TopicSpec> specs, Settings settings)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<Drift> drift = new ArrayList<>();
        if (specs.isEmpty()) {
            return drift;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(specs.stream().map(Topics.TopicSpec::name).toList())
                .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(specs.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (Topics.TopicSpec spec : specs) {
            TopicDescription description = descriptions.get(spec.name());
            compare(drift, spec.name(), "partitions", spec.partitions(), description.partitions().size());
            settings.replicationFactor().filter(rf -> rf > 0).ifPresent(rf ->
                    compare(drift, spec.name(), "replication factor", rf, description.partitions().get(0).replicas().size()));
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            configs(spec, settings).forEach((name, expected) -> {
                ConfigEntry entry = actual.get(name);
                compare(drift, spec.name(), name, expected, entry == null ? null : entry.value());
            });
        }
        return drift;
    }

    private static void compare(List<Drift> drift, String topic, String setting, Object expected, Object actual) {
        if (!String.valueOf(expected).equals(String.valueOf(actual))) {
            drift.add(new Drift(topic, setting, String.valueOf(expected), String.valueOf(actual)));
        }
    }
}
