package io.catalogingest.ingest.db;

import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Idempotency keys of uploads, per merchant. */
public interface IdempotencyDao {
    record Entry(String uploadId, String state, String bodySha256, Integer responseStatus, String responseBody) {}

    /**
     * Claims the key for this request and returns the upload id to use. Succeeds if the key is new
     * or expired (then {@code newUploadId} is used), or held by a request that has not finished
     * within {@code staleSeconds}: that request died, and its upload id is taken over so that an
     * upload it may have committed is not enqueued under a second id. Empty while another holds it.
     */
    @SqlQuery("""
            INSERT INTO idempotency_keys (merchant_id, idempotency_key, upload_id, state, created_at)
            VALUES (:merchantId, :key, :newUploadId, 'PENDING', now())
            ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
                SET upload_id = CASE WHEN idempotency_keys.created_at < now() - make_interval(secs => :retentionSeconds)
                                     THEN EXCLUDED.upload_id ELSE idempotency_keys.upload_id END,
                    state = 'PENDING', body_sha256 = NULL, response_status = NULL, response_body = NULL, created_at = now()
                WHERE idempotency_keys.created_at < now() - make_interval(secs => :retentionSeconds)
                   OR (idempotency_keys.state = 'PENDING'
                       AND idempotency_keys.created_at < now() - make_interval(secs => :staleSeconds))
            RETURNING upload_id
            """)
    Optional<String> claim(@Bind("merchantId") String merchantId, @Bind("key") String key,
            @Bind("newUploadId") String newUploadId, @Bind("retentionSeconds") long retentionSeconds,
            @Bind("staleSeconds") long staleSeconds);

    @SqlQuery("SELECT upload_id, state, body_sha256, response_status, response_body FROM idempotency_keys "
            + "WHERE merchant_id = :merchantId AND idempotency_key = :key")
    @RegisterConstructorMapper(Entry.class)
    Optional<Entry> find(@Bind("merchantId") String merchantId, @Bind("key") String key);

    @SqlUpdate("UPDATE idempotency_keys SET state = 'DONE', body_sha256 = :sha, response_status = :status, "
            + "response_body = :body WHERE merchant_id = :merchantId AND idempotency_key = :key")
    void complete(@Bind("merchantId") String merchantId, @Bind("key") String key, @Bind("sha") String bodySha256,
            @Bind("status") int status, @Bind("body") String responseBody);

    /** Gives the key up after a failure that the same request may retry (e.g. Kafka unavailable). */
    @SqlUpdate("DELETE FROM idempotency_keys WHERE merchant_id = :merchantId AND idempotency_key = :key AND state = 'PENDING'")
    void release(@Bind("merchantId") String merchantId, @Bind("key") String key);

    @SqlUpdate("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :retentionSeconds)")
    int expire(@Bind("retentionSeconds") long retentionSeconds);
}
