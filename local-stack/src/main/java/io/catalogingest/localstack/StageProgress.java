package io.catalogingest.localstack;

import java.util.List;
import java.util.Map;

import io.catalogingest.common.kafka.ConsumerGroups;
import io.catalogingest.common.kafka.Offsets;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each stage has come, read from the broker: the products topic's end (what the splitter
 * has produced), the catalog and image groups' committed offsets on it (what those pools have
 * finished), and the upload-splits topic's end (how many splits have completed). Counts include
 * one transaction marker per partition and transaction, a few per thousand records.
 */
final class StageProgress {
    /** One reading; every figure is a sum over partitions. */
    record Reading(long at, long split, long catalog, long images, long splitsCompleted) {
        Reading minus(Reading start) {
            return new Reading(at - start.at, split - start.split, catalog - start.catalog, images - start.images,
                    splitsCompleted - start.splitsCompleted);
        }
    }

    private final Admin admin;
    private final List<TopicPartition> products;
    private final List<TopicPartition> splits;

    StageProgress(Admin admin) throws Exception {
        this.admin = admin;
        this.products = partitions(admin, Topics.PRODUCTS);
        this.splits = partitions(admin, Topics.UPLOAD_SPLITS);
    }

    private static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    int productPartitions() {
        return products.size();
    }

    /**
     * Reads the completed splits first: a split's last products commit with its UploadSplit record,
     * so once a split is seen complete, all its products are counted.
     */
    Reading read() throws Exception {
        long at = System.nanoTime();
        long splitsCompleted = sum(Offsets.of(admin, splits, OffsetSpec.latest()));
        return new Reading(at, sum(Offsets.of(admin, products, OffsetSpec.latest())), committed(ConsumerGroups.CATALOG_WRITER),
                committed(ConsumerGroups.IMAGE_WORKER), splitsCompleted);
    }

    private long committed(String group) throws Exception {
        return Offsets.committed(admin, group).entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.PRODUCTS))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
