package io.catalogingest.status.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Merchants' webhooks and the outbox of deliveries to them. */
@RegisterConstructorMapper(WebhookDao.Webhook.class)
@RegisterConstructorMapper(WebhookDao.Delivery.class)
public interface WebhookDao {
    record Webhook(String merchantId, String url, String secret, OffsetDateTime createdAt) {}

    /**
     * A claimed delivery with the merchant's webhook as registered now: {@code url} and {@code secret}
     * are null when the merchant has removed its webhook since the event was queued.
     */
    record Delivery(String eventId, String merchantId, String url, String secret, String payload, int attempts) {}

    @SqlUpdate("INSERT INTO webhooks (merchant_id, url, secret) VALUES (:merchantId, :url, :secret) "
            + "ON CONFLICT (merchant_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, created_at = now()")
    void register(@Bind("merchantId") String merchantId, @Bind("url") String url, @Bind("secret") String secret);

    @SqlQuery("SELECT merchant_id, url, secret, created_at FROM webhooks WHERE merchant_id = :merchantId")
    Optional<Webhook> webhookOf(@Bind("merchantId") String merchantId);

    @SqlUpdate("DELETE FROM webhooks WHERE merchant_id = :merchantId")
    int remove(@Bind("merchantId") String merchantId);

    /** An event to queue for its merchant's webhook, with the JSON body to send. */
    record QueuedEvent(String eventId, String merchantId, String payload) {}

    /**
     * Queues each event whose merchant has a webhook, once: a repeated event (the fold's output is
     * read at least once) adds nothing. One round trip for all of them; returns the rows added per
     * event. The row's {@code url} records the URL registered at this moment; deliveries go to the
     * one registered when they are sent.
     */
    @SqlBatch("INSERT INTO webhook_deliveries (event_id, merchant_id, url, payload) "
            + "SELECT :eventId, merchant_id, url, :payload FROM webhooks WHERE merchant_id = :merchantId "
            + "ON CONFLICT (event_id) DO NOTHING")
    int[] enqueue(@BindMethods List<QueuedEvent> events);

    /**
     * Due deliveries, at most one per merchant and none of the {@code busyMerchants}, oldest first,
     * with each merchant's current webhook. They are leased for a while: the update checks again
     * that a row is still due, so an instance that claimed it first keeps it alone.
     */
    @SqlQuery("WITH oldest_per_merchant AS ("
            + "SELECT DISTINCT ON (merchant_id) event_id, next_attempt_at FROM webhook_deliveries "
            + "WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= now() "
            + "AND merchant_id <> ALL(:busyMerchants) ORDER BY merchant_id, next_attempt_at), "
            + "claimed AS (UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => :leaseSeconds) "
            + "WHERE event_id IN (SELECT event_id FROM oldest_per_merchant ORDER BY next_attempt_at LIMIT :limit) "
            + "AND delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= now() "
            + "RETURNING event_id, merchant_id, payload, attempts) "
            + "SELECT c.event_id, c.merchant_id, w.url, w.secret, c.payload, c.attempts "
            + "FROM claimed c LEFT JOIN webhooks w ON w.merchant_id = c.merchant_id")
    List<Delivery> claimDue(@Bind("limit") int limit, @Bind("leaseSeconds") double leaseSeconds,
            @Bind("busyMerchants") String[] busyMerchants);

    @SqlUpdate("UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = now(), last_error = NULL "
            + "WHERE event_id = :eventId")
    void delivered(@Bind("eventId") String eventId);

    @SqlUpdate("UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = :error, "
            + "next_attempt_at = now() + make_interval(secs => :delaySeconds), "
            + "given_up_at = CASE WHEN attempts + 1 >= :maxAttempts THEN now() END WHERE event_id = :eventId")
    void failed(@Bind("eventId") String eventId, @Bind("error") String error, @Bind("delaySeconds") double delaySeconds,
            @Bind("maxAttempts") int maxAttempts);

    @SqlQuery("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL")
    long pending();
}
