package io.catalogingest.schemas;

import java.time.Duration;
import java.util.List;

/**
 * Every topic of the pipeline. Names carry a version so that an incompatible change gets a new
 * topic instead of breaking consumers. Upload, result and cancellation topics share a partition count so that
 * the status fold sees every record kind of one upload in the same task (co-partitioning).
 */
public final class Topics {
    /** ProductSubmitted, keyed by merchantId/sku. */
    public static final String PRODUCTS = "catalog.products.v1";
    /** UploadAccepted, keyed by uploadId. */
    public static final String UPLOADS = "catalog.uploads.v1";
    /** UploadSplit, keyed by uploadId: the splitter's word that an upload's items are all produced. */
    public static final String UPLOAD_SPLITS = "catalog.upload-splits.v1";
    /** ItemOutcomes, keyed by uploadId: what each stage made of a batch of an upload's items. */
    public static final String OUTCOMES = "catalog.item-outcomes.v1";
    /**
     * ItemProcessed, keyed by uploadId: one record per item and stage, as written before outcomes
     * were batched. Nothing writes it any more; the status fold still reads it, so that records
     * written before an upgrade count.
     */
    public static final String RESULTS = "catalog.item-results.v1";
    /**
     * UploadAccepted records the splitter could not split (unreadable, or failing beyond their bound),
     * keyed by uploadId, with the headers of {@link RecordHeaders}.
     */
    public static final String SPLIT_DEAD_LETTERS = "catalog.split.dlq.v1";
    /** Records the status fold could not read or fold, with headers saying where they came from and why. */
    public static final String STATUS_DEAD_LETTERS = "catalog.status.dlq.v1";

    /**
     * The replay ledger, compacted, keyed by stage and original dead letter: how often each was
     * replayed and through which dead-letter offset, so replays are bounded and resume across runs
     * without depending on any consumer group's committed offsets. Kept as long as dead letters:
     * an entry that expires belongs to a dead letter that expired with it, or to a copy dead-lettered
     * again, which carries its replay count in its own headers.
     */
    public static final String REPLAYS = "catalog.replays.v1";

    /** UploadCancelled, keyed by uploadId. */
    public static final String CANCELLATIONS = "catalog.cancellations.v1";
    /** UploadFinished, keyed by uploadId: what completion webhooks deliver. */
    public static final String UPLOAD_EVENTS = "catalog.upload-events.v1";

    public static final int PRODUCT_PARTITIONS = 6;
    public static final int UPLOAD_PARTITIONS = 3;

    /** Work topics keep a week, enough to rebuild after a long outage; dead letters wait four weeks for an operator. */
    public static final Duration WORK_RETENTION = Duration.ofDays(7);
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(28);

    /**
     * A topic, the partitions it is created with and how long it keeps records; a compacted one
     * keeps only each key's latest record, and that too only for its retention.
     */
    public record TopicSpec(String name, int partitions, Duration retention, boolean compacted) {
        public TopicSpec(String name, int partitions, Duration retention) {
            this(name, partitions, retention, false);
        }
    }

    private Topics() {}

    /**
     * Retry tiers per stage: a failed item waits on the tier of its attempt, where every record waits
     * the same delay, so the head of each partition is always the first one due.
     */
    public static final int RETRY_TIERS = 4;

    /** The first retry tier, where replayed dead letters go too (its name predates the tiers). */
    public static String retry(Stage stage) {
        return "catalog." + stageName(stage) + ".retry.v1";
    }

    /** The retry topic of {@code tier}, 1 to {@link #RETRY_TIERS}. */
    public static String retry(Stage stage, int tier) {
        if (tier < 1 || tier > RETRY_TIERS) {
            throw new IllegalArgumentException("no retry tier " + tier);
        }
        return tier == 1 ? retry(stage) : "catalog." + stageName(stage) + ".retry." + tier + ".v1";
    }

    /** Every retry topic of the stage, first tier first. */
    public static List<String> retryTiers(Stage stage) {
        return java.util.stream.IntStream.rangeClosed(1, RETRY_TIERS).mapToObj(tier -> retry(stage, tier)).toList();
    }

    /** What a product stage's pool consumes: the products topic, then the stage's retry tiers. */
    public static List<String> consumedBy(Stage stage) {
        List<String> topics = new java.util.ArrayList<>(retryTiers(stage));
        topics.add(0, PRODUCTS);
        return List.copyOf(topics);
    }

    public static String deadLetter(Stage stage) {
        return "catalog." + stageName(stage) + ".dlq.v1";
    }

    private static String stageName(Stage stage) {
        return stage.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** TopicNameStrategy: the subject of a topic's record values. */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }

    public static List<TopicSpec> all() {
        List<TopicSpec> all = new java.util.ArrayList<>(List.of(
                new TopicSpec(PRODUCTS, PRODUCT_PARTITIONS, WORK_RETENTION),
                new TopicSpec(UPLOADS, UPLOAD_PARTITIONS, WORK_RETENTION),
                new TopicSpec(UPLOAD_SPLITS, UPLOAD_PARTITIONS, WORK_RETENTION),
                new TopicSpec(OUTCOMES, UPLOAD_PARTITIONS, WORK_RETENTION),
                new TopicSpec(RESULTS, UPLOAD_PARTITIONS, WORK_RETENTION),
                new TopicSpec(CANCELLATIONS, UPLOAD_PARTITIONS, WORK_RETENTION),
                new TopicSpec(UPLOAD_EVENTS, UPLOAD_PARTITIONS, WORK_RETENTION),
                new TopicSpec(deadLetter(Stage.CATALOG), PRODUCT_PARTITIONS, DEAD_LETTER_RETENTION),
                new TopicSpec(deadLetter(Stage.IMAGES), PRODUCT_PARTITIONS, DEAD_LETTER_RETENTION),
                new TopicSpec(STATUS_DEAD_LETTERS, UPLOAD_PARTITIONS, DEAD_LETTER_RETENTION),
                new TopicSpec(SPLIT_DEAD_LETTERS, UPLOAD_PARTITIONS, DEAD_LETTER_RETENTION),
                new TopicSpec(REPLAYS, 1, DEAD_LETTER_RETENTION, true)));
        for (Stage stage : List.of(Stage.CATALOG, Stage.IMAGES)) {
            retryTiers(stage).forEach(topic -> all.add(new TopicSpec(topic, PRODUCT_PARTITIONS, WORK_RETENTION)));
        }
        return List.copyOf(all);
    }

    /** Products are keyed so that all submissions of one SKU land in one partition, in order. */
    public static String productKey(String merchantId, String sku) {
        return merchantId + "/" + sku;
    }
}
