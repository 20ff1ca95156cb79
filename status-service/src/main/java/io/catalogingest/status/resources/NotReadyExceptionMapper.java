package io.catalogingest.status.resources;

import io.catalogingest.status.streams.StatusStreams;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A store that cannot answer yet (starting, restoring, rebalancing) is a 503 with Retry-After, never a 500. */
@Provider
public final class NotReadyExceptionMapper implements ExceptionMapper<StatusStreams.NotReadyException> {
    @Override
    public Response toResponse(StatusStreams.NotReadyException e) {
        return ForwardingFilter.notReady("the status store is not ready; retry shortly");
    }
}
