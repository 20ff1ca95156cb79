package io.catalogingest.status.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Merchants' webhooks and the outbox of deliveries to them. */
@RegisterConstructorMapper(WebhookDao.Webhook.class)
@RegisterConstructorMapper(WebhookDao.Delivery.class)
public interface WebhookDao {
    record Webhook(String merchantId, String url, String secret, OffsetDateTime createdAt) {}

    record Delivery(String eventId, String merchantId, String url, String payload, int attempts) {}

    @SqlUpdate("INSERT INTO webhooks (merchant_id, url, secret) VALUES (:merchantId, :url, :secret) "
            + "ON CONFLICT (merchant_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, created_at = now()")
    void register(@Bind("merchantId") String merchantId, @Bind("url") String url, @Bind("secret") String secret);

    @SqlQuery("SELECT merchant_id, url, secret, created_at FROM webhooks WHERE merchant_id = :merchantId")
    Optional<Webhook> webhookOf(@Bind("merchantId") String merchantId);

    @SqlUpdate("DELETE FROM webhooks WHERE merchant_id = :merchantId")
    int remove(@Bind("merchantId") String merchantId);

    /** Once per event: a repeated event (the fold's output is read at least once) adds nothing. */
    @SqlUpdate("INSERT INTO webhook_deliveries (event_id, merchant_id, url, payload) VALUES (:eventId, :merchantId, :url, :payload) "
            + "ON CONFLICT (event_id) DO NOTHING")
    void enqueue(@Bind("eventId") String eventId, @Bind("merchantId") String merchantId, @Bind("url") String url,
            @Bind("payload") String payload);

    /** Due deliveries, leased for a while so that no other instance sends them at the same time. */
    @SqlQuery("UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => :leaseSeconds) "
            + "WHERE event_id IN (SELECT event_id FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL "
            + "AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED) "
            + "RETURNING event_id, merchant_id, url, payload, attempts")
    List<Delivery> claimDue(@Bind("limit") int limit, @Bind("leaseSeconds") double leaseSeconds);

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
