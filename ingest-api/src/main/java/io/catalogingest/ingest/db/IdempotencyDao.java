package io.catalogingest.ingest.db;

import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Idempotency keys of uploads, per merchant; each claim has an owner and a lease. */
public interface IdempotencyDao {
    record Entry(String uploadId, String state, String bodySha256, Integer responseStatus, String responseBody) {}

    /** A claim won: the upload id to use, and the body hash an earlier, dead owner recorded (or null). */
    record Claimed(String uploadId, String bodySha256) {}

    /**
     * Claims the key for {@code owner}. Succeeds if the key is new or expired (then
     * {@code newUploadId} is used), or PENDING with a lapsed lease: its owner died, and its upload
     * id is taken over so that an upload it may have committed is not enqueued under a second id.
     * Empty while a live owner holds it, or once it is DONE.
     */
    @SqlQuery("""
            INSERT INTO idempotency_keys (merchant_id, idempotency_key, upload_id, state, created_at, owner_token, lease_until)
            VALUES (:merchantId, :key, :newUploadId, 'PENDING', now(), :owner, now() + make_interval(secs => :leaseSeconds))
            ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
                SET upload_id = CASE WHEN idempotency_keys.created_at < now() - make_interval(secs => :retentionSeconds)
                                     THEN EXCLUDED.upload_id ELSE idempotency_keys.upload_id END,
                    body_sha256 = CASE WHEN idempotency_keys.created_at < now() - make_interval(secs => :retentionSeconds)
                                       THEN NULL ELSE idempotency_keys.body_sha256 END,
                    created_at = CASE WHEN idempotency_keys.created_at < now() - make_interval(secs => :retentionSeconds)
                                      THEN now() ELSE idempotency_keys.created_at END,
                    state = 'PENDING', response_status = NULL, response_body = NULL,
                    owner_token = EXCLUDED.owner_token, lease_until = EXCLUDED.lease_until
                WHERE idempotency_keys.created_at < now() - make_interval(secs => :retentionSeconds)
                   OR (idempotency_keys.state = 'PENDING' AND idempotency_keys.lease_until < now())
            RETURNING upload_id, body_sha256
            """)
    @RegisterConstructorMapper(Claimed.class)
    Optional<Claimed> claim(@Bind("merchantId") String merchantId, @Bind("key") String key,
            @Bind("newUploadId") String newUploadId, @Bind("owner") String owner,
            @Bind("retentionSeconds") long retentionSeconds, @Bind("leaseSeconds") long leaseSeconds);

    @SqlQuery("SELECT upload_id, state, body_sha256, response_status, response_body FROM idempotency_keys "
            + "WHERE merchant_id = :merchantId AND idempotency_key = :key")
    @RegisterConstructorMapper(Entry.class)
    Optional<Entry> find(@Bind("merchantId") String merchantId, @Bind("key") String key);

    /** Extends the owner's lease; 0 when the claim is no longer the owner's. */
    @SqlUpdate("UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => :leaseSeconds) "
            + "WHERE merchant_id = :merchantId AND idempotency_key = :key AND owner_token = :owner AND state = 'PENDING'")
    int renew(@Bind("merchantId") String merchantId, @Bind("key") String key, @Bind("owner") String owner,
            @Bind("leaseSeconds") long leaseSeconds);

    /**
     * Records the body's hash before the upload is committed, so that whoever takes the claim over
     * after a crash can tell the same body from a different one. 0 when the claim is not the owner's.
     */
    @SqlUpdate("UPDATE idempotency_keys SET body_sha256 = :sha, lease_until = now() + make_interval(secs => :leaseSeconds) "
            + "WHERE merchant_id = :merchantId AND idempotency_key = :key AND owner_token = :owner AND state = 'PENDING'")
    int recordBody(@Bind("merchantId") String merchantId, @Bind("key") String key, @Bind("owner") String owner,
            @Bind("sha") String bodySha256, @Bind("leaseSeconds") long leaseSeconds);

    @SqlUpdate("UPDATE idempotency_keys SET state = 'DONE', body_sha256 = :sha, response_status = :status, "
            + "response_body = :body WHERE merchant_id = :merchantId AND idempotency_key = :key AND owner_token = :owner")
    int complete(@Bind("merchantId") String merchantId, @Bind("key") String key, @Bind("owner") String owner,
            @Bind("sha") String bodySha256, @Bind("status") int status, @Bind("body") String responseBody);

    /** Gives the owner's key up after a failure that the same request may retry (e.g. Kafka unavailable). */
    @SqlUpdate("DELETE FROM idempotency_keys WHERE merchant_id = :merchantId AND idempotency_key = :key "
            + "AND owner_token = :owner AND state = 'PENDING'")
    int release(@Bind("merchantId") String merchantId, @Bind("key") String key, @Bind("owner") String owner);

    /**
     * Ends the owner's lease at once but keeps the upload id and body hash, so that a retry takes the
     * claim over at once with both. 0 when the claim is not the owner's.
     */
    @SqlUpdate("UPDATE idempotency_keys SET lease_until = now() - interval '1 second' "
            + "WHERE merchant_id = :merchantId AND idempotency_key = :key AND owner_token = :owner AND state = 'PENDING'")
    int lapse(@Bind("merchantId") String merchantId, @Bind("key") String key, @Bind("owner") String owner);

    @SqlUpdate("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :retentionSeconds)")
    int expire(@Bind("retentionSeconds") long retentionSeconds);
}
