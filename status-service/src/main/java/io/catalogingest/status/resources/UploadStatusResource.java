package io.catalogingest.status.resources;

import io.catalogingest.common.api.Problem;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.status.api.UploadStatusView;
import io.catalogingest.status.core.UploadStatus;
import io.catalogingest.status.streams.StatusStreams;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Upload status for the owning merchant. Unknown and foreign upload ids answer 404 alike. */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadStatusResource {
    /** Seconds a client should wait before polling an unfinished upload again. */
    static final String POLL_AFTER_SECONDS = "2";

    private final StatusStreams streams;

    public UploadStatusResource(StatusStreams streams) {
        this.streams = streams;
    }

    @GET
    @Path("/{uploadId}")
    public Response status(@Auth Merchant merchant, @PathParam("uploadId") String uploadId) {
        UploadProgress progress;
        try {
            progress = streams.progress(uploadId).orElse(null);
        } catch (StatusStreams.NotReadyException e) {
            return Response.fromResponse(Problem.of(503, "STATUS_NOT_READY", "Status temporarily unavailable",
                    "the status store is not ready; retry shortly").toResponse()).header("Retry-After", "1").build();
        }
        // Outcomes can arrive before the upload's own record; until then the owner is unknown.
        if (progress == null || progress.getMerchantId() == null || !merchant.mayRead(progress.getMerchantId())) {
            return Problem.of(404, "UPLOAD_NOT_FOUND", "Upload not found", "no upload " + uploadId + " for this merchant")
                    .toResponse();
        }
        UploadStatusView view = UploadStatusView.of(progress);
        Response.ResponseBuilder ok = Response.ok(view);
        if (view.status() != UploadStatus.DONE) {
            ok.header("Retry-After", POLL_AFTER_SECONDS);
        }
        return ok.build();
    }
}
