package io.catalogingest.ingest.resources;

import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

/**
 * Lets the configured browser origins (the merchant portal) call the upload endpoint. Requests
 * from other origins get no CORS headers, so browsers refuse them; other clients are unaffected.
 */
@Provider
public final class CorsFilter implements ContainerResponseFilter {
    private final Set<String> allowedOrigins;

    public CorsFilter(Set<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String origin = request.getHeaderString("Origin");
        if (origin == null || !allowedOrigins.contains(origin)) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle("Access-Control-Allow-Origin", origin);
        headers.add("Vary", "Origin");
        headers.putSingle("Access-Control-Expose-Headers", "Location, Retry-After, Idempotent-Replayed");
        if ("OPTIONS".equals(request.getMethod())) {
            headers.putSingle("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
            headers.putSingle("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding, Idempotency-Key");
            headers.putSingle("Access-Control-Max-Age", "600");
        }
    }
}
