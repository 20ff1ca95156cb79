package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** {@code pipelinectl topics apply} and {@code lag} against the local stack's broker. */
class TopicsAndLagCommandsTest {
    private static final String[] SINGLE_BROKER = {"--replication-factor", "1", "--min-insync-replicas", "1"};

    @Test
    void topicsApplyReportsDriftCorrectsConfigsOnRequestAndIsIdempotent() throws Exception {
        Pipeline.stack();
        String topic = Topics.retry(Stage.CATALOG);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "691200000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            awaitRetention(admin, resource, "691200000");

            Cli.Run verify = Cli.withKafka(apply());
            assertThat(verify.exit()).as(verify.out() + verify.err()).isEqualTo(3);
            assertThat(verify.out()).contains("DRIFT   " + topic + ": retention.ms is 691200000, spec says 604800000")
                    .contains("0 created");

            Cli.Run fix = Cli.withKafka(apply("--alter-configs"));
            assertThat(fix.exit()).as(fix.out()).isZero();
            assertThat(fix.out()).contains("altered " + topic + ": retention.ms").contains("0 drift(s)");
            awaitRetention(admin, resource, "604800000");

            Cli.Run again = Cli.withKafka(apply());
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains(Topics.all().size() + " topic(s) in spec, 0 created, 0 config(s) altered, 0 drift(s)");
        }
    }

    @Test
    void lagListsEveryPartitionOfTheGroupWithTotals() throws Exception {
        Pipeline.upload(Pipeline.stack().createMerchant("m-lag-" + System.nanoTime(), "Lag"), "application/json",
                "[{\"sku\":\"a\",\"title\":\"A\",\"price\":1,\"currency\":\"EUR\"}]");
        // The group must have committed something before its lag can be read.
        try (Admin admin = admin()) {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> !admin
                    .listConsumerGroupOffsets("catalog-writer").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).isEmpty());
        }
        Cli.Run lag = Cli.withKafka("lag", "--group", "catalog-writer", "--sample", "500ms");
        assertThat(lag.exit()).as(lag.err()).isZero();
        assertThat(lag.out()).contains("group catalog-writer").contains("total lag").contains("drain");
        for (int p = 0; p < Topics.PRODUCT_PARTITIONS; p++) {
            assertThat(lag.out()).containsPattern(Topics.PRODUCTS.replace(".", "\\.") + " +" + p + " ");
        }
        Cli.Run unknown = Cli.withKafka("lag", "--group", "no-such-group", "--sample", "0s");
        assertThat(unknown.out()).contains("no committed offsets");
    }

    private static String[] apply(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("topics", "apply"));
        args.addAll(List.of(SINGLE_BROKER));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** A config change reaches the broker's view a moment after the controller accepted it. */
    private static void awaitRetention(Admin admin, ConfigResource topic, String value) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> admin.describeConfigs(List.of(topic))
                .all().get(30, TimeUnit.SECONDS).get(topic).get(TopicConfig.RETENTION_MS_CONFIG).value(), value::equals);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers()));
    }
}
