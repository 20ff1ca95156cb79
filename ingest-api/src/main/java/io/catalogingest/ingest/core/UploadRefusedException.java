package io.catalogingest.ingest.core;

import java.util.List;

import io.catalogingest.common.api.Problem;

/** The upload cannot be accepted as sent; nothing of it is enqueued. */
public final class UploadRefusedException extends Exception {
    private final transient Problem problem;

    public UploadRefusedException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static UploadRefusedException malformed(String message) {
        return new UploadRefusedException(Problem.of(400, "MALFORMED_BODY", "Malformed upload body", message));
    }

    public static UploadRefusedException invalidItems(int refused, List<Problem.ItemError> errors) {
        return new UploadRefusedException(Problem.of(422, "INVALID_ITEMS", "Some items are invalid",
                refused + " item(s) break the upload rules; nothing was enqueued").withErrors(errors));
    }
}
