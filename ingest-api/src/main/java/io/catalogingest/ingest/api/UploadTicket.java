package io.catalogingest.ingest.api;

/** The answer to an accepted upload: where to ask for its progress. */
public record UploadTicket(String uploadId, String status, int totalItems, String statusUrl) {}
