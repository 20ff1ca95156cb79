package io.catalogingest.ingest.api;

import java.time.Instant;

/** Where to PUT a file (until {@code expiresAt}), and the id to POST to {@code /v1/uploads} afterwards. */
public record StagedUpload(String stagedUploadId, String url, String method, Instant expiresAt) {}
