package io.catalogingest.status.resources;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.catalogingest.common.api.Problem;
import io.catalogingest.status.streams.UploadOwnership;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request about one upload to the instance that owns it. While the owner is unknown (a
 * rebalance), or a forwarded request reaches an instance that no longer owns the upload, the
 * answer is 503 with Retry-After: never another instance's guess.
 */
@Provider
@Priority(Priorities.USER)
public final class ForwardingFilter implements ContainerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingFilter.class);
    private static final Set<String> ANSWER_HEADERS = Set.of("content-type", "etag", "retry-after", "location");

    private final UploadOwnership ownership;
    private final InstanceClient instances;

    public ForwardingFilter(UploadOwnership ownership, InstanceClient instances) {
        this.ownership = ownership;
        this.instances = instances;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        List<String> segments = request.getUriInfo().getPathSegments().stream().map(s -> s.getPath()).toList();
        if (segments.size() < 3 || !segments.get(0).equals("v1") || !segments.get(1).equals("uploads")) {
            return;
        }
        String uploadId = segments.get(2);
        UploadOwnership.Owner owner = ownership.ownerOf(uploadId);
        if (owner instanceof UploadOwnership.Owner.Unknown) {
            request.abortWith(notReady("the owner of upload " + uploadId + " is not known yet"));
        } else if (owner instanceof UploadOwnership.Owner.Remote remote) {
            request.abortWith(request.getHeaderString(InstanceClient.FORWARDED) != null
                    ? notReady("upload " + uploadId + " moved to another instance")
                    : forward(request, remote));
        }
    }

    private Response forward(ContainerRequestContext request, UploadOwnership.Owner.Remote owner) {
        var uri = request.getUriInfo().getRequestUri();
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Map<String, String> headers = request.getHeaders().keySet().stream()
                .collect(Collectors.toMap(Function.identity(), request::getHeaderString, (a, b) -> a));
        try {
            InstanceClient.Answer answer = instances.send(owner.baseUrl(), request.getMethod(), pathAndQuery, headers);
            Response.ResponseBuilder response = Response.status(answer.status())
                    .entity((StreamingOutput) out -> {
                        try (var body = answer.body()) {
                            body.transferTo(out);
                        }
                    });
            answer.headers().forEach((name, values) -> {
                if (ANSWER_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> response.header(name, v));
                }
            });
            return response.build();
        } catch (IOException e) {
            LOG.warn("forwarding {} to {} failed: {}", pathAndQuery, owner.baseUrl(), e.toString());
            return notReady("the instance that owns this upload did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notReady("interrupted");
        }
    }

    static Response notReady(String detail) {
        return Response.fromResponse(Problem.of(503, "STATUS_NOT_READY", "Status temporarily unavailable", detail).toResponse())
                .header("Retry-After", "1").build();
    }
}
