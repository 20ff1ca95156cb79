package io.catalogingest.ingest.api;

import java.util.List;

import io.catalogingest.common.api.Problem;

/**
 * The answer to an accepted upload: where to follow its progress, and which items were refused
 * (the first {@code errors} of them; {@code refusedItems} counts all).
 */
public record UploadTicket(String uploadId, String status, int totalItems, int acceptedItems, int refusedItems,
        String statusUrl, List<Problem.ItemError> errors) {}
