package io.catalogingest.ingest.core;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.catalogingest.ingest.db.IdempotencyDao;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency-Key claims. A claim has an owner token and a lease; {@link #renewAll()} (run on a
 * schedule) extends the leases of every claim this instance holds, so a live request is never
 * taken over however long its client sends, and a dead instance's claims lapse after one lease.
 */
public final class Claims {
    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);

    /** A claim this request owns. {@code earlierBodySha256}: what a dead owner recorded, or null. */
    public record Claim(String merchantId, String key, String owner, String uploadId, String earlierBodySha256) {}

    private final IdempotencyDao dao;
    private final long retentionSeconds;
    private final long leaseSeconds;
    private final Set<Claim> held = ConcurrentHashMap.newKeySet();

    public Claims(IdempotencyDao dao, long retentionSeconds, long leaseSeconds) {
        this.dao = dao;
        this.retentionSeconds = retentionSeconds;
        this.leaseSeconds = leaseSeconds;
    }

    public long leaseSeconds() {
        return leaseSeconds;
    }

    /** The key for this request, or empty while another live request holds it or it is DONE. */
    public Optional<Claim> claim(String merchantId, String key) throws IntakeUnavailableException {
        String owner = UUID.randomUUID().toString();
        Optional<Claim> claim = database(() -> dao.claim(merchantId, key, UUID.randomUUID().toString(), owner,
                retentionSeconds, leaseSeconds)).map(c -> new Claim(merchantId, key, owner, c.uploadId(), c.bodySha256()));
        claim.ifPresent(held::add);
        return claim;
    }

    public Optional<IdempotencyDao.Entry> find(String merchantId, String key) throws IntakeUnavailableException {
        return database(() -> dao.find(merchantId, key));
    }

    /** Records the body's hash before the upload is committed; fails if the claim was lost. */
    public void recordBody(Claim claim, String bodySha256) throws IntakeUnavailableException {
        if (database(() -> dao.recordBody(claim.merchantId(), claim.key(), claim.owner(), bodySha256, leaseSeconds)) == 0) {
            throw new IntakeUnavailableException("DATABASE_UNAVAILABLE", "the Idempotency-Key claim lapsed", null);
        }
    }

    /** Stores the answer that later requests with the same key and body get again. */
    public void complete(Claim claim, String bodySha256, int status, String answer) {
        held.remove(claim);
        try {
            if (dao.complete(claim.merchantId(), claim.key(), claim.owner(), bodySha256, status, answer) == 0) {
                LOG.warn("Idempotency-Key claim of upload {} was lost before it completed", claim.uploadId());
            }
        } catch (JdbiException e) {
            // The claim lapses; a retry takes it over with the same upload id and the same body.
            LOG.warn("cannot record the answer for upload {}: {}", claim.uploadId(), e.getMessage());
        }
    }

    /** Gives the key up so that the same request can be retried at once. */
    public void release(Claim claim) {
        release(claim, false);
    }

    /**
     * Gives the key up so that the same request can be retried at once. A claim whose upload may
     * have been committed, by this request ({@code mayHaveCommitted}) or by an owner that recorded
     * a body before it died, keeps its upload id and hash: a retry must not enqueue it again under
     * a new id.
     */
    public void release(Claim claim, boolean mayHaveCommitted) {
        held.remove(claim);
        try {
            if (claim.earlierBodySha256() == null && !mayHaveCommitted) {
                dao.release(claim.merchantId(), claim.key(), claim.owner());
            } else {
                dao.lapse(claim.merchantId(), claim.key(), claim.owner());
            }
        } catch (JdbiException e) {
            LOG.warn("cannot release the claim of upload {}; it lapses in {} s: {}", claim.uploadId(), leaseSeconds,
                    e.getMessage());
        }
    }

    /** Extends the lease of every claim held here; meant to run every third of a lease. */
    public void renewAll() {
        for (Claim claim : held) {
            try {
                dao.renew(claim.merchantId(), claim.key(), claim.owner(), leaseSeconds);
            } catch (JdbiException e) {
                LOG.warn("cannot renew the claim of upload {}: {}", claim.uploadId(), e.getMessage());
            }
        }
    }

    private interface Query<T> {
        T run();
    }

    private static <T> T database(Query<T> query) throws IntakeUnavailableException {
        try {
            return query.run();
        } catch (JdbiException e) {
            throw new IntakeUnavailableException("DATABASE_UNAVAILABLE", "the database did not answer", e);
        }
    }
}
