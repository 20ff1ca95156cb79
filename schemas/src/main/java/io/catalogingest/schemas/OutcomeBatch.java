package io.catalogingest.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.roaringbitmap.RoaringBitmap;

/**
 * Gathers what one stage made of some of one upload's items and turns it into {@link ItemOutcomes}
 * records. Successes and skips travel as sets, whatever their number; failures travel one by one,
 * at most {@link #MAX_FAILURES_PER_RECORD} or about {@link #MAX_FAILURE_BYTES_PER_RECORD} to a
 * record, with their SKU and message clipped, so that no record outgrows the producer's 1 MiB
 * request limit. Not thread-safe.
 */
public final class OutcomeBatch {
    public static final int MAX_FAILURES_PER_RECORD = 1000;
    public static final int MAX_FAILURE_BYTES_PER_RECORD = 512 * 1024;
    /** A refused item's SKU is whatever the merchant sent; a message can quote a long URL. */
    static final int MAX_SKU_CHARS = 256;
    static final int MAX_MESSAGE_CHARS = 1024;

    private final String uploadId;
    private final Stage stage;
    private final RoaringBitmap succeeded = new RoaringBitmap();
    private final RoaringBitmap skipped = new RoaringBitmap();
    private final List<FailedItem> failures = new ArrayList<>();

    public OutcomeBatch(String uploadId, Stage stage) {
        this.uploadId = uploadId;
        this.stage = stage;
    }

    public String uploadId() {
        return uploadId;
    }

    public Stage stage() {
        return stage;
    }

    public OutcomeBatch succeeded(int itemIndex) {
        succeeded.add(itemIndex);
        return this;
    }

    public OutcomeBatch skipped(int itemIndex) {
        skipped.add(itemIndex);
        return this;
    }

    public OutcomeBatch failed(FailedItem failure) {
        failures.add(failure);
        return this;
    }

    /** How many outcomes it holds. */
    public int size() {
        return succeeded.getCardinality() + skipped.getCardinality() + failures.size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The records that carry it: one, or more when the failures need them. None when empty. */
    public List<ItemOutcomes> records() {
        List<ItemOutcomes> records = new ArrayList<>();
        if (isEmpty()) {
            return records;
        }
        int from = 0;
        do {
            int to = from;
            long bytes = 0;
            while (to < failures.size() && to - from < MAX_FAILURES_PER_RECORD
                    && (to == from || bytes + approximateSize(failures.get(to)) <= MAX_FAILURE_BYTES_PER_RECORD)) {
                bytes += approximateSize(failures.get(to));
                to++;
            }
            boolean first = records.isEmpty();
            records.add(ItemOutcomes.newBuilder().setUploadId(uploadId).setStage(stage)
                    .setSucceeded(toBytes(first ? succeeded : new RoaringBitmap()))
                    .setSkipped(toBytes(first ? skipped : new RoaringBitmap()))
                    .setFailures(List.copyOf(failures.subList(from, to))).build());
            from = to;
        } while (from < failures.size());
        return records;
    }

    /** A failure report; a missing SKU is sent empty; a long SKU or message is clipped. */
    public static FailedItem failure(int itemIndex, String sku, String code, String message, int attempt) {
        return FailedItem.newBuilder().setItemIndex(itemIndex).setSku(clip(sku == null ? "" : sku, MAX_SKU_CHARS))
                .setErrorCode(code).setErrorMessage(message == null ? null : clip(message, MAX_MESSAGE_CHARS))
                .setAttempt(attempt).build();
    }

    /** At most {@code max} chars, never half a surrogate pair. */
    static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    /** Its encoded size, from above: UTF-8 takes at most three bytes per char here. */
    private static long approximateSize(FailedItem f) {
        long chars = f.getSku().length() + f.getErrorCode().length() + (f.getErrorMessage() == null ? 0 : f.getErrorMessage().length());
        return 3 * chars + 16;
    }

    /** The portable RoaringBitmap serialization (the one the C, Go and Rust libraries read too); empty for none. */
    public static ByteBuffer toBytes(RoaringBitmap set) {
        if (set.isEmpty()) {
            return ByteBuffer.allocate(0);
        }
        set.runOptimize();
        ByteBuffer bytes = ByteBuffer.allocate(set.serializedSizeInBytes());
        set.serialize(bytes);
        return bytes.flip();
    }

    public static RoaringBitmap fromBytes(ByteBuffer bytes) {
        RoaringBitmap set = new RoaringBitmap();
        if (bytes == null || !bytes.hasRemaining()) {
            return set;
        }
        try {
            set.deserialize(bytes.duplicate());
        } catch (IOException e) {
            throw new UncheckedIOException("not a RoaringBitmap", e);
        }
        return set;
    }
}
