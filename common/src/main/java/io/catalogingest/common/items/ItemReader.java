package io.catalogingest.common.items;

import java.io.IOException;

/**
 * Reads the items of an upload body one at a time, so memory does not grow with the upload.
 * A problem confined to one item yields an unreadable item; a problem that makes the rest of the
 * body unreadable throws {@link UploadRefusedException}.
 */
public interface ItemReader {
    /** The next item, or null at the end of the body. */
    ParsedItem next() throws IOException, UploadRefusedException;
}
