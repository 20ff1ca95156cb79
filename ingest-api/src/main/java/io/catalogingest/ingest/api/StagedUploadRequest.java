package io.catalogingest.ingest.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code POST /v1/uploads} with a JSON object: accept a file already PUT to a staged upload's URL. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StagedUploadRequest(String stagedUploadId, String format, Boolean gzip) {}
