package io.catalogingest.common.api;

import java.util.Locale;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Framework errors (unknown path, wrong method, unsupported media type) in the same problem format. */
public final class ProblemExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.getEntity() instanceof Problem) {
            return original;
        }
        Response.StatusType status = original.getStatusInfo();
        String code = status.getReasonPhrase().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        Response.ResponseBuilder problem = Response.fromResponse(
                Problem.of(status.getStatusCode(), code, status.getReasonPhrase(), e.getMessage()).toResponse());
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(v -> problem.header(name, v));
            }
        });
        return problem.build();
    }
}
