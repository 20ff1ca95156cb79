package io.catalogingest.status.resources;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.status.api.ItemView;
import io.catalogingest.status.api.UploadListView;
import io.catalogingest.status.api.UploadStatusView;
import io.catalogingest.status.core.Cancellations;
import io.catalogingest.status.core.UploadStatus;
import io.catalogingest.status.store.UploadProgress;
import io.catalogingest.status.streams.StatusQueries;
import io.catalogingest.status.streams.UploadOwnership;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;

/**
 * Uploads for the owning merchant (admins: any merchant). Unknown and foreign upload ids answer
 * 404 alike. Requests about one upload reach this class only on the instance that owns it
 * ({@link ForwardingFilter}); the list gathers every instance's share.
 */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadStatusResource {
    /** Seconds a client should wait before polling an unfinished upload again. */
    static final String POLL_AFTER_SECONDS = "2";
    static final int MAX_PAGE = 1000;
    static final String NDJSON = "application/x-ndjson";

    private final StatusQueries streams;
    private final UploadOwnership ownership;
    private final InstanceClient instances;
    private final Cancellations cancellations;
    private final ObjectMapper json;

    public UploadStatusResource(StatusQueries streams, UploadOwnership ownership, InstanceClient instances,
            Cancellations cancellations, ObjectMapper json) {
        this.streams = streams;
        this.ownership = ownership;
        this.instances = instances;
        this.cancellations = cancellations;
        this.json = json;
    }

    @GET
    @Path("/{uploadId}")
    public Response status(@Auth Merchant merchant, @PathParam("uploadId") String uploadId, @Context Request request) {
        UploadStatusView view = UploadStatusView.of(owned(merchant, uploadId));
        EntityTag tag = new EntityTag(digest(view));
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        Response.ResponseBuilder answer = unchanged != null ? unchanged : Response.ok(view);
        answer.tag(tag);
        if (!view.status().isFinal()) {
            answer.header("Retry-After", POLL_AFTER_SECONDS);
        }
        return answer.build();
    }

    /** The merchant's uploads, newest first, optionally of one status; paged by cursor. */
    @GET
    public UploadListView list(@Auth Merchant merchant, @QueryParam("status") String status, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("merchant") String merchantParam,
            @HeaderParam("Authorization") String authorization, @HeaderParam(InstanceClient.FORWARDED) String forwarded) {
        checkLimit(limit);
        UploadStatus wanted = parseStatus(status);
        String merchantId = merchant.isAdmin() && merchantParam != null ? merchantParam : merchant.merchantId();
        List<UploadStatusView> found = new ArrayList<>();
        streams.merchantUploads(merchantId, cursor, limit + 1, p -> wanted == null || UploadStatus.of(p) == wanted)
                .forEach(u -> found.add(UploadStatusView.of(u.progress())));
        if (forwarded == null) {
            for (URI other : ownership.otherInstances()) {
                found.addAll(remotePage(other, merchantId, status, cursor, limit + 1, authorization).uploads());
            }
        }
        found.sort(Comparator.comparing(UploadStatusView::position));
        boolean more = found.size() > limit;
        List<UploadStatusView> page = more ? List.copyOf(found.subList(0, limit)) : found;
        return new UploadListView(page, more ? page.get(page.size() - 1).position() : null);
    }

    private UploadListView remotePage(URI instance, String merchantId, String status, String cursor, int limit, String authorization) {
        UriBuilder path = UriBuilder.fromPath("/v1/uploads").queryParam("limit", limit).queryParam("merchant", merchantId);
        if (status != null) {
            path.queryParam("status", status);
        }
        if (cursor != null) {
            path.queryParam("cursor", cursor);
        }
        try {
            InstanceClient.Answer answer = instances.send(instance, "GET", path.build().toString(), Map.of("Authorization", authorization));
            try (var body = answer.body()) {
                if (answer.status() != 200) {
                    throw new WebApplicationException(ForwardingFilter.notReady("instance " + instance + " answered " + answer.status()));
                }
                return json.readValue(body, UploadListView.class);
            }
        } catch (IOException e) {
            throw new WebApplicationException(ForwardingFilter.notReady("instance " + instance + " did not answer"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebApplicationException(ForwardingFilter.notReady("interrupted"));
        }
    }

    /** The upload's per-stage outcomes in item order, optionally only one outcome; paged by item index. */
    @GET
    @Path("/{uploadId}/items")
    public ItemView.Page items(@Auth Merchant merchant, @PathParam("uploadId") String uploadId,
            @QueryParam("outcome") String outcome, @QueryParam("cursor") @DefaultValue("0") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        owned(merchant, uploadId);
        checkLimit(limit);
        if (outcome != null && !outcome.equals("FAILED") && !outcome.equals("SUCCEEDED")) {
            throw Problem.of(400, "INVALID_OUTCOME", "Invalid outcome", "outcome is FAILED or SUCCEEDED").asException();
        }
        int from = itemCursor(cursor);
        List<ItemView> page = new ArrayList<>();
        String[] next = {null};
        streams.items(uploadId, from, (index, views) -> {
            List<ItemView> matching = views.stream().filter(v -> outcome == null || v.outcome().equals(outcome)).toList();
            if (!matching.isEmpty() && page.size() >= limit) {
                next[0] = String.valueOf(index);
                return false;
            }
            page.addAll(matching);
            return true;
        });
        return new ItemView.Page(page, next[0]);
    }

    /** An item index, the only cursor /items hands out. */
    private static int itemCursor(String cursor) {
        int from;
        try {
            from = Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            from = -1;
        }
        if (from < 0) {
            throw Problem.of(400, "INVALID_CURSOR", "Invalid cursor", "use the nextCursor of the previous page").asException();
        }
        return from;
    }

    /** Every item's latest outcome per stage, one JSON object per line, streamed in item order. */
    @GET
    @Path("/{uploadId}/report")
    @Produces(NDJSON)
    public Response report(@Auth Merchant merchant, @PathParam("uploadId") String uploadId) {
        owned(merchant, uploadId);
        StreamingOutput lines = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            IOException[] failure = {null};
            streams.items(uploadId, 0, (index, views) -> {
                try {
                    for (ItemView item : views) {
                        writer.write(json.writeValueAsString(item));
                        writer.write('\n');
                    }
                    return true;
                } catch (IOException e) {
                    failure[0] = e;
                    return false;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            writer.flush();
        };
        return Response.ok(lines, NDJSON)
                .header("Content-Disposition", "attachment; filename=\"upload-" + uploadId + "-report.ndjson\"").build();
    }

    /**
     * Asks to cancel an upload that is still queued. The fold decides: only an upload still IN_QUEUE
     * when the cancel reaches it becomes CANCELLED. Workers skip its items from now on; if the
     * upload had started after all, those items fail with UPLOAD_CANCELLED and it finishes DONE.
     */
    @POST
    @Path("/{uploadId}/cancel")
    public Response cancel(@Auth Merchant merchant, @PathParam("uploadId") String uploadId) throws Exception {
        UploadProgress progress = owned(merchant, uploadId);
        UploadStatus status = UploadStatus.of(progress);
        if (status == UploadStatus.CANCELLED) {
            return Response.ok(UploadStatusView.of(progress)).build();
        }
        if (status != UploadStatus.IN_QUEUE) {
            throw Problem.of(409, "UPLOAD_NOT_CANCELLABLE", "Upload cannot be cancelled",
                    "upload " + uploadId + " is " + status + "; only uploads IN_QUEUE can be cancelled").asException();
        }
        cancellations.cancel(uploadId, progress.getMerchantId());
        return Response.accepted(UploadStatusView.of(progress)).header("Retry-After", POLL_AFTER_SECONDS).build();
    }

    /** The upload if this merchant may read it; 404 otherwise, alike for unknown and foreign ids. */
    private UploadProgress owned(Merchant merchant, String uploadId) {
        UploadProgress p = streams.progress(uploadId).orElse(null);
        // Outcomes can arrive before the upload's own record; until then the owner is unknown.
        if (p == null || p.getMerchantId() == null || !merchant.mayRead(p.getMerchantId())) {
            throw Problem.of(404, "UPLOAD_NOT_FOUND", "Upload not found", "no upload " + uploadId + " for this merchant").asException();
        }
        return p;
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problem.of(400, "INVALID_LIMIT", "Invalid limit", "limit is 1 to " + MAX_PAGE).asException();
        }
    }

    private static UploadStatus parseStatus(String status) {
        try {
            return status == null ? null : UploadStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw Problem.of(400, "INVALID_STATUS", "Invalid status", "status is one of IN_QUEUE, IN_PROGRESS, DONE, CANCELLED")
                    .asException();
        }
    }

    /** A strong validator: the same status gives the same tag on every instance. */
    private String digest(UploadStatusView view) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(view));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
