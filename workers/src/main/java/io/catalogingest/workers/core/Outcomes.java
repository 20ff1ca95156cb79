package io.catalogingest.workers.core;

import java.time.Instant;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;

/** Builds the per-item outcome records a stage reports. */
public final class Outcomes {
    private Outcomes() {}

    public static ItemProcessed succeeded(ProductSubmitted p, Stage stage, int attempt) {
        return base(p, stage, attempt).setOutcome(Outcome.SUCCEEDED).build();
    }

    public static ItemProcessed failed(ProductSubmitted p, Stage stage, int attempt, ItemFailure failure) {
        return base(p, stage, attempt).setOutcome(Outcome.FAILED).setErrorCode(failure.code())
                .setErrorMessage(failure.getMessage()).build();
    }

    private static ItemProcessed.Builder base(ProductSubmitted p, Stage stage, int attempt) {
        return ItemProcessed.newBuilder().setUploadId(p.getUploadId()).setItemIndex(p.getItemIndex())
                .setSku(p.getSku()).setStage(stage).setAttempt(attempt).setProcessedAt(Instant.now());
    }
}
