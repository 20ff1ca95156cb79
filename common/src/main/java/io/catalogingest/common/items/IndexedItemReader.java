package io.catalogingest.common.items;

import java.io.IOException;

/** A reader that knows the index of the item it reads next, so that its errors can name it. */
abstract class IndexedItemReader implements ItemReader {
    private int itemsRead;

    @Override
    public final ParsedItem next() throws IOException, UploadRefusedException {
        ParsedItem item = read(itemsRead);
        if (item != null) {
            itemsRead++;
        }
        return item;
    }

    /** The item at {@code index}, or null at the end of the body. */
    abstract ParsedItem read(int index) throws IOException, UploadRefusedException;
}
