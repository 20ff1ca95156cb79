package io.catalogingest.ops;

import java.time.Instant;

import io.catalogingest.ops.dlq.DeadLetterFilter;
import io.catalogingest.schemas.Stage;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The stage whose dead letters a command reads, which of them, and how to reach Kafka. */
final class DlqOptions {
    /** The worker stages that have dead-letter topics. */
    enum WorkerStage {
        catalog(Stage.CATALOG), images(Stage.IMAGES);

        final Stage stage;

        WorkerStage(Stage stage) {
            this.stage = stage;
        }
    }

    @Option(names = "--stage", required = true, description = "Stage whose dead-letter topic to read: ${COMPLETION-CANDIDATES}.")
    WorkerStage workerStage;

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

    Stage stage() {
        return workerStage.stage;
    }

    DeadLetterFilter filter() {
        return new DeadLetterFilter(since, merchant, upload, errorCode);
    }
}
