package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.kafka.ConsumerGroups;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

/** Three instances of both pools share the partitions and reach the same final state as one. */
class WorkerScaleOutTest {
    private static final int ITEMS = 3000;

    @Test
    void threeCatalogWritersAndThreeImageWorkersShareTheWork() throws Exception {
        LocalStack stack = Pipeline.stack();
        String merchant = "m-scale-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "Scale");
        try (AutoCloseable second = stack.startExtraWorkers("workers-2"); AutoCloseable third = stack.startExtraWorkers("workers-3")) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < ITEMS; i++) {
                body.append("{\"sku\":\"S-").append(i).append("\",\"title\":\"T").append(i).append("\",\"price\":1,\"currency\":\"EUR\"");
                if (i % 3 == 0) {
                    body.append(",\"images\":[\"").append(Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + i)).append("\"]");
                }
                body.append("}\n");
            }
            Pipeline.Reply accepted = Pipeline.upload(Pipeline.uploadsUrl(), key, "application/x-ndjson", body.toString().getBytes());
            String statusUrl = accepted.body().path("statusUrl").asText();
            JsonNode done = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
            assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);

            for (String group : List.of(ConsumerGroups.CATALOG_WRITER, ConsumerGroups.IMAGE_WORKER)) {
                assertThat(instancesHoldingPartitions(group)).as(group).containsExactlyInAnyOrder("workers-1", "workers-2", "workers-3");
            }
        }
        int rows = stack.jdbi().withHandle(h -> h.createQuery("SELECT count(DISTINCT sku) FROM products WHERE merchant_id = :m")
                .bind("m", merchant).mapTo(Integer.class).one());
        int images = stack.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM product_images WHERE merchant_id = :m")
                .bind("m", merchant).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(ITEMS);
        assertThat(images).isEqualTo(ITEMS / 3);
    }

    /** Instance ids (from client ids) of the group's members that have partitions assigned. */
    private static Set<String> instancesHoldingPartitions(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers()))) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            Set<String> instances = new HashSet<>();
            for (MemberDescription m : description.members()) {
                if (!m.assignment().topicPartitions().isEmpty()) {
                    String clientId = m.clientId().substring(group.length() + 1);
                    instances.add(clientId.substring(0, clientId.lastIndexOf('-')));
                }
            }
            return instances;
        }
    }
}
