package io.catalogingest.ingest.resources;

import io.catalogingest.common.auth.Merchant;
import io.catalogingest.ingest.api.StagedUpload;
import io.catalogingest.ingest.core.StagedUploads;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /v1/staged-uploads}: a presigned URL to PUT a catalog file to, then POST its id to {@code /v1/uploads}. */
@Path("/v1/staged-uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class StagedUploadResource {
    private final StagedUploads staged;

    public StagedUploadResource(StagedUploads staged) {
        this.staged = staged;
    }

    @POST
    public Response create(@Auth Merchant merchant) {
        StagedUpload upload = staged.create(merchant.merchantId());
        return Response.status(201).entity(upload).build();
    }
}
