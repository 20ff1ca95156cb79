package io.catalogingest.status.resources;

import java.util.ArrayList;
import java.util.List;

import io.catalogingest.common.api.Problem;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.status.api.ItemView;
import io.catalogingest.status.api.UploadStatusView;
import io.catalogingest.status.core.UploadStatus;
import io.catalogingest.status.streams.StatusStreams;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Upload status for the owning merchant. Unknown and foreign upload ids answer 404 alike. */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadStatusResource {
    /** Seconds a client should wait before polling an unfinished upload again. */
    static final String POLL_AFTER_SECONDS = "2";
    static final int MAX_PAGE = 1000;

    private final StatusStreams streams;

    public UploadStatusResource(StatusStreams streams) {
        this.streams = streams;
    }

    @GET
    @Path("/{uploadId}")
    public Response status(@Auth Merchant merchant, @PathParam("uploadId") String uploadId) {
        UploadStatusView view = UploadStatusView.of(owned(merchant, uploadId));
        Response.ResponseBuilder ok = Response.ok(view);
        if (view.status() != UploadStatus.DONE) {
            ok.header("Retry-After", POLL_AFTER_SECONDS);
        }
        return ok.build();
    }

    /** The upload's per-stage outcomes in item order, optionally only one outcome; paged by item index. */
    @GET
    @Path("/{uploadId}/items")
    public ItemView.Page items(@Auth Merchant merchant, @PathParam("uploadId") String uploadId,
            @QueryParam("outcome") String outcome, @QueryParam("cursor") @DefaultValue("0") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        owned(merchant, uploadId);
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problem.of(400, "INVALID_LIMIT", "Invalid limit", "limit is 1 to " + MAX_PAGE).asException();
        }
        if (outcome != null && !outcome.equals("FAILED") && !outcome.equals("SUCCEEDED")) {
            throw Problem.of(400, "INVALID_OUTCOME", "Invalid outcome", "outcome is FAILED or SUCCEEDED").asException();
        }
        int from;
        try {
            from = Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw Problem.of(400, "INVALID_CURSOR", "Invalid cursor", "use the nextCursor of the previous page").asException();
        }
        List<ItemView> page = new ArrayList<>();
        String[] next = {null};
        notReadyAs503(() -> streams.items(uploadId, from, (index, state) -> {
            List<ItemView> matching = ItemView.of(state).stream().filter(v -> outcome == null || v.outcome().equals(outcome)).toList();
            if (!matching.isEmpty() && page.size() >= limit) {
                next[0] = String.valueOf(index);
                return false;
            }
            page.addAll(matching);
            return true;
        }));
        return new ItemView.Page(page, next[0]);
    }

    /** The upload if this merchant may read it; 404 otherwise, alike for unknown and foreign ids. */
    private UploadProgress owned(Merchant merchant, String uploadId) {
        UploadProgress[] progress = {null};
        notReadyAs503(() -> progress[0] = streams.progress(uploadId).orElse(null));
        UploadProgress p = progress[0];
        // Outcomes can arrive before the upload's own record; until then the owner is unknown.
        if (p == null || p.getMerchantId() == null || !merchant.mayRead(p.getMerchantId())) {
            throw Problem.of(404, "UPLOAD_NOT_FOUND", "Upload not found", "no upload " + uploadId + " for this merchant").asException();
        }
        return p;
    }

    private static void notReadyAs503(Runnable query) {
        try {
            query.run();
        } catch (StatusStreams.NotReadyException e) {
            throw new WebApplicationException(Response.fromResponse(Problem.of(503, "STATUS_NOT_READY",
                    "Status temporarily unavailable", "the status store is not ready; retry shortly").toResponse())
                    .header("Retry-After", "1").build());
        }
    }
}
