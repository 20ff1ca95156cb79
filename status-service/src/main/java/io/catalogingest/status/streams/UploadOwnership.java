package io.catalogingest.status.streams;

import java.net.URI;
import java.util.List;

/** Which instance of the status service holds an upload's state, and which other instances there are. */
public interface UploadOwnership {
    /** Who answers for an upload: this instance, another one (its base URL), or nobody known yet. */
    sealed interface Owner {
        record Local() implements Owner {}

        record Remote(URI baseUrl) implements Owner {}

        record Unknown() implements Owner {}
    }

    Owner ownerOf(String uploadId);

    /** Every other instance of this application, for queries that span all uploads of a merchant. */
    List<URI> otherInstances();
}
