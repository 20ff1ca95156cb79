package io.catalogingest.common.items;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SKUs seen so far in one upload, as 64-bit hashes in an open-addressing table: 8-16 bytes per
 * item instead of a String each, so duplicate detection stays small for million-item uploads.
 */
final class SkuSet {
    private static final long EMPTY = 0;
    private long[] slots = new long[1024];
    private int size;

    /** Adds the SKU; returns false if it was already there. */
    boolean add(String sku) {
        long h = hash(sku);
        if (size * 2 >= slots.length) {
            grow();
        }
        return insert(slots, h);
    }

    private boolean insert(long[] table, long h) {
        int mask = table.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == h) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = h;
        if (table == slots) {
            size++;
        }
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        Arrays.stream(old).filter(h -> h != EMPTY).forEach(h -> insert(slots, h));
    }

    /** FNV-1a over the UTF-8 bytes, then mixed; 0 is reserved for empty slots. */
    private static long hash(String sku) {
        long h = 0xcbf29ce484222325L;
        for (byte b : sku.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }
}
