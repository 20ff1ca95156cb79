package io.catalogingest.status.api;

import java.util.List;

/** A page of a merchant's uploads, newest first; {@code nextCursor} is null on the last page. */
public record UploadListView(List<UploadStatusView> uploads, String nextCursor) {}
