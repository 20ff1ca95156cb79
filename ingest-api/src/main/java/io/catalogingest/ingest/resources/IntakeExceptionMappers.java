package io.catalogingest.ingest.resources;

import io.catalogingest.common.api.Problem;
import io.catalogingest.common.items.UploadRefusedException;
import io.catalogingest.ingest.core.IntakeUnavailableException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Refusals and unavailable dependencies as problem documents, with Retry-After where a retry helps. */
public final class IntakeExceptionMappers {
    /** Seconds a merchant waits before retrying an upload that a dependency failed. */
    static final int UNAVAILABLE_RETRY_AFTER = 5;

    private IntakeExceptionMappers() {}

    public static final class Refused implements ExceptionMapper<UploadRefusedException> {
        @Override
        public Response toResponse(UploadRefusedException e) {
            Response response = e.problem().toResponse();
            return e.retryAfterSeconds() > 0
                    ? Response.fromResponse(response).header("Retry-After", Long.toString(e.retryAfterSeconds())).build()
                    : response;
        }
    }

    public static final class Unavailable implements ExceptionMapper<IntakeUnavailableException> {
        @Override
        public Response toResponse(IntakeUnavailableException e) {
            return Response.fromResponse(Problem.of(503, e.code(), "Uploads are not accepted right now",
                    e.getMessage() + "; nothing was enqueued, retry later").toResponse())
                    .header("Retry-After", Integer.toString(UNAVAILABLE_RETRY_AFTER)).build();
        }
    }
}
