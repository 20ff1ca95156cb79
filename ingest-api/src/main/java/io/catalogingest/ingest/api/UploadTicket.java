package io.catalogingest.ingest.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.catalogingest.common.api.Problem;

/**
 * The answer to an accepted upload: where to follow its progress, and which items were refused
 * (the first {@code errors} of them; {@code refusedItems} counts all). A staged upload is counted
 * and validated later, by the splitter: its counts are absent here and appear in its status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UploadTicket(String uploadId, String status, Integer totalItems, Integer acceptedItems, Integer refusedItems,
        String statusUrl, List<Problem.ItemError> errors) {}
