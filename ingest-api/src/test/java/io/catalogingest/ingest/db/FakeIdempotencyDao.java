package io.catalogingest.ingest.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jdbi.v3.core.ConnectionException;

/**
 * The idempotency table in memory, with the SQL's owner and lease rules on a clock of its own
 * ({@link #passSeconds}). Retention is not modelled: keys never expire here.
 */
public final class FakeIdempotencyDao implements IdempotencyDao {
    private record Row(String uploadId, String state, String bodySha256, Integer responseStatus, String responseBody,
            String owner, long leaseUntil) {
        Row withLease(long until) {
            return new Row(uploadId, state, bodySha256, responseStatus, responseBody, owner, until);
        }
    }

    private final Map<List<String>, Row> rows = new HashMap<>();
    private final List<String> renewals = new ArrayList<>();
    private long now;
    private volatile boolean down;

    public synchronized void reset() {
        rows.clear();
        renewals.clear();
        now = 0;
        down = false;
    }

    public synchronized void passSeconds(long seconds) {
        now += seconds;
    }

    /** While down, every query fails as it does when the database cannot be reached. */
    public void down(boolean isDown) {
        down = isDown;
    }

    public synchronized boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The keys {@link #renew} was called for, in order, whether or not the claim was still the owner's. */
    public synchronized List<String> renewals() {
        return List.copyOf(renewals);
    }

    @Override
    public synchronized Optional<Claimed> claim(String merchantId, String key, String newUploadId, String owner,
            long retentionSeconds, long leaseSeconds) {
        reachable();
        Row row = rows.get(List.of(merchantId, key));
        if (row == null) {
            rows.put(List.of(merchantId, key), new Row(newUploadId, "PENDING", null, null, null, owner, now + leaseSeconds));
            return Optional.of(new Claimed(newUploadId, null));
        }
        if (!row.state().equals("PENDING") || row.leaseUntil() >= now) {
            return Optional.empty();
        }
        rows.put(List.of(merchantId, key), new Row(row.uploadId(), "PENDING", row.bodySha256(), null, null, owner,
                now + leaseSeconds));
        return Optional.of(new Claimed(row.uploadId(), row.bodySha256()));
    }

    @Override
    public synchronized Optional<Entry> find(String merchantId, String key) {
        reachable();
        return Optional.ofNullable(rows.get(List.of(merchantId, key)))
                .map(r -> new Entry(r.uploadId(), r.state(), r.bodySha256(), r.responseStatus(), r.responseBody()));
    }

    @Override
    public synchronized int renew(String merchantId, String key, String owner, long leaseSeconds) {
        reachable();
        renewals.add(key);
        return updatePending(merchantId, key, owner, r -> r.withLease(now + leaseSeconds));
    }

    @Override
    public synchronized int recordBody(String merchantId, String key, String owner, String bodySha256, long leaseSeconds) {
        reachable();
        return updatePending(merchantId, key, owner,
                r -> new Row(r.uploadId(), r.state(), bodySha256, null, null, owner, now + leaseSeconds));
    }

    @Override
    public synchronized int complete(String merchantId, String key, String owner, String bodySha256, int status,
            String responseBody) {
        reachable();
        Row row = rows.get(List.of(merchantId, key));
        if (row == null || !row.owner().equals(owner)) {
            return 0;
        }
        rows.put(List.of(merchantId, key), new Row(row.uploadId(), "DONE", bodySha256, status, responseBody, owner,
                row.leaseUntil()));
        return 1;
    }

    @Override
    public synchronized int release(String merchantId, String key, String owner) {
        reachable();
        return updatePending(merchantId, key, owner, r -> null);
    }

    @Override
    public synchronized int lapse(String merchantId, String key, String owner) {
        reachable();
        return updatePending(merchantId, key, owner, r -> r.withLease(now - 1));
    }

    @Override
    public int expire(long retentionSeconds) {
        throw new UnsupportedOperationException("retention is not modelled");
    }

    /** Replaces (or, for null, deletes) the row if it is the owner's and PENDING, as the SQL's WHERE does. */
    private int updatePending(String merchantId, String key, String owner, UnaryOperator<Row> update) {
        Row row = rows.get(List.of(merchantId, key));
        if (row == null || !row.owner().equals(owner) || !row.state().equals("PENDING")) {
            return 0;
        }
        Row updated = update.apply(row);
        if (updated == null) {
            rows.remove(List.of(merchantId, key));
        } else {
            rows.put(List.of(merchantId, key), updated);
        }
        return 1;
    }

    private void reachable() {
        if (down) {
            throw new ConnectionException(new SQLException("the database cannot be reached"));
        }
    }
}
