package io.catalogingest.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.catalogingest.devstack.DevStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A group's lag against a real broker: what the lag gauges and {@code pipelinectl lag} count. */
class OffsetsTest {
    @Test
    void lagCountsFromTheCommittedOffsetOrFromTheStartWhereTheGroupNeverCommitted() throws Exception {
        String topic = "lag-" + UUID.randomUUID();
        String group = "group-" + topic;
        Map<String, Object> kafka = Map.of("bootstrap.servers", DevStack.shared().kafka.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka, new StringSerializer(), new StringSerializer())) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)));
                }
                for (int i = 0; i < 3; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, 1, "k", "v" + i)));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(Offsets.lag(admin, group, List.of(topic))).as("a group that never committed").isEqualTo(8);

            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)))
                    .all().get(30, TimeUnit.SECONDS);

            assertThat(Offsets.lag(admin, group, List.of(topic))).as("3 left on partition 0, all 3 on partition 1").isEqualTo(6);
        }
    }
}
