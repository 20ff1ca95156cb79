package io.catalogingest.status.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A merchant's webhook; the secret is shown only in the answer that creates it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookRegistration(String url, String secret, Instant createdAt) {
    /** What {@code PUT /v1/webhook} reads. */
    public record Request(String url) {}
}
