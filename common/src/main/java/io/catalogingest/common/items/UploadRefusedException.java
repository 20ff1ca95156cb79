package io.catalogingest.common.items;

import java.util.List;

import io.catalogingest.common.api.Problem;

/** The upload cannot be accepted as sent; nothing of it is enqueued. */
public final class UploadRefusedException extends Exception {
    private final transient Problem problem;
    private final long retryAfterSeconds;
    private final String bodySha256;

    public UploadRefusedException(Problem problem) {
        this(problem, 0, null);
    }

    /** A refusal that a retry after {@code retryAfterSeconds} may not meet. */
    public UploadRefusedException(Problem problem, long retryAfterSeconds) {
        this(problem, retryAfterSeconds, null);
    }

    private UploadRefusedException(Problem problem, long retryAfterSeconds, String bodySha256) {
        super(problem.detail());
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
        this.bodySha256 = bodySha256;
    }

    public Problem problem() {
        return problem;
    }

    /** Seconds to wait before retrying, or 0 when a retry as sent would be refused again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The hash of the whole refused body, when it was read to its end; null otherwise. */
    public String bodySha256() {
        return bodySha256;
    }

    /** The same refusal, for a body read to its end whose hash is {@code sha256}. */
    public UploadRefusedException withBody(String sha256) {
        return new UploadRefusedException(problem, retryAfterSeconds, sha256);
    }

    public static UploadRefusedException malformed(String message) {
        return new UploadRefusedException(Problem.of(400, "MALFORMED_BODY", "Malformed upload body", message));
    }

    public static UploadRefusedException invalidItems(int refused, List<Problem.ItemError> errors) {
        return new UploadRefusedException(Problem.of(422, "INVALID_ITEMS", "Some items are invalid",
                refused + " item(s) break the upload rules; nothing was enqueued").withErrors(errors));
    }
}
