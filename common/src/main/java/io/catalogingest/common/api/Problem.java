package io.catalogingest.common.api;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem document with a stable machine-readable code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail, List<ItemError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem("https://catalog-ingest.dev/problems/" + code.toLowerCase(Locale.ROOT).replace('_', '-'),
                title, status, code, detail, null);
    }

    public Problem withErrors(List<ItemError> itemErrors) {
        return new Problem(type, title, status, code, detail, itemErrors);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    /** For code that answers by throwing; the exception mapper passes the problem through unchanged. */
    public WebApplicationException asException() {
        return new WebApplicationException(toResponse());
    }

    /** Why one item of an upload was refused. */
    public record ItemError(int index, String sku, String code, String message) {}
}
