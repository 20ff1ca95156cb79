package io.catalogingest.ops;

import java.time.Instant;

import io.catalogingest.ops.dlq.DeadLetterFilter;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The stage whose dead letters a command reads, which of them, and how to reach Kafka. */
final class DlqOptions {
    /**
     * What has a dead-letter topic: the worker stages, whose dead letters can be replayed, and the
     * splitter and the status fold, whose dead letters are whole uploads or records to inspect.
     */
    enum DeadLetterStage {
        catalog(Stage.CATALOG, Topics.deadLetter(Stage.CATALOG)), images(Stage.IMAGES, Topics.deadLetter(Stage.IMAGES)),
        split(null, Topics.SPLIT_DEAD_LETTERS), status(null, Topics.STATUS_DEAD_LETTERS);

        /** The worker stage, or null where dead letters cannot be replayed. */
        final Stage stage;
        final String topic;

        DeadLetterStage(Stage stage, String topic) {
            this.stage = stage;
            this.topic = topic;
        }
    }

    @Option(names = "--stage", required = true, description = "Stage whose dead-letter topic to read: ${COMPLETION-CANDIDATES}.")
    DeadLetterStage deadLetterStage;

    @Option(names = "--since", converter = Since.class,
            description = "Only records dead-lettered since an instant (2026-11-26T04:00:00Z) or an age (30m, 2h, 7d).")
    Instant since;

    @Option(names = "--merchant", description = "Only this merchant's records.")
    String merchant;

    @Option(names = "--upload", description = "Only this upload's records.")
    String upload;

    @Option(names = "--error-code", description = "Only records with this error code, e.g. IMAGE_ORIGIN_ERROR.")
    String errorCode;

    @Mixin
    KafkaOptions kafka;

    /** The worker stage; null for the status fold. */
    Stage stage() {
        return deadLetterStage.stage;
    }

    String topic() {
        return deadLetterStage.topic;
    }

    DeadLetterFilter filter() {
        return new DeadLetterFilter(since, merchant, upload, errorCode);
    }
}
