package io.catalogingest.common.kafka;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the pipeline's topics that do not exist yet; existing ones are left as they are. */
public final class TopicSetup {
    private TopicSetup() {}

    public static void createMissing(KafkaFactory kafka, short replicationFactor)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(kafka.common("topic-setup"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.all().stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), Optional.of(replicationFactor)))
                    .toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        }
    }
}
