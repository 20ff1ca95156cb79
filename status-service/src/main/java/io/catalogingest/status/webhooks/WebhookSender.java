package io.catalogingest.status.webhooks;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.catalogingest.common.net.AddressPolicy;
import io.catalogingest.common.net.GuardedDnsResolver;
import io.catalogingest.status.core.WebhookSignature;
import io.catalogingest.status.db.WebhookDao;
import io.dropwizard.lifecycle.Managed;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: POSTs each due event, signed, to its merchant's URL, until a 2xx answer
 * acknowledges it (at-least-once; receivers drop repeats by {@value #EVENT_ID}). Failures wait
 * with exponential backoff. Addresses pass the same SSRF guard as image downloads, and redirects
 * are not followed: only the registered URL can acknowledge.
 */
public final class WebhookSender implements Managed {
    public static final String EVENT_ID = "Catalog-Event-Id";
    public static final String TIMESTAMP = "Catalog-Timestamp";
    public static final String SIGNATURE = "Catalog-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final int BATCH = 20;

    private final WebhookDao dao;
    private final WebhookSettings settings;
    private final CloseableHttpClient http;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "webhook-sender"));
    private final Meter delivered;
    private final Meter failedAttempts;

    public WebhookSender(WebhookDao dao, WebhookSettings settings, MetricRegistry metrics) {
        this.dao = dao;
        this.settings = settings;
        Timeout timeout = Timeout.of(settings.getTimeout().toJavaDuration());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(new AddressPolicy(settings.getAllowedPrivateNetworks())))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).setRedirectsEnabled(false).build())
                .disableAutomaticRetries()
                .setUserAgent("catalog-ingest-webhooks/1")
                .build();
        this.delivered = metrics.meter("webhooks.delivered");
        this.failedAttempts = metrics.meter("webhooks.failed-attempts");
    }

    @Override
    public void start() {
        long every = settings.getPollInterval().toMilliseconds();
        scheduler.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
    }

    void sendDue() {
        try {
            // The lease outlasts one attempt per claimed delivery, so no other instance sends them meanwhile.
            double lease = settings.getTimeout().toSeconds() * (BATCH + 1.0);
            List<WebhookDao.Delivery> due = dao.claimDue(BATCH, lease);
            for (WebhookDao.Delivery delivery : due) {
                send(delivery);
            }
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("webhook deliveries not sent this round: {}", e.toString());
        }
    }

    private void send(WebhookDao.Delivery delivery) {
        Optional<WebhookDao.Webhook> hook = dao.webhookOf(delivery.merchantId());
        if (hook.isEmpty()) {
            dao.failed(delivery.eventId(), "webhook removed", 0, 0);
            return;
        }
        long timestamp = System.currentTimeMillis() / 1000;
        HttpPost post = new HttpPost(delivery.url());
        post.setHeader(EVENT_ID, delivery.eventId());
        post.setHeader(TIMESTAMP, Long.toString(timestamp));
        post.setHeader(SIGNATURE, WebhookSignature.sign(hook.get().secret(), timestamp, delivery.payload()));
        post.setEntity(new StringEntity(delivery.payload(), ContentType.APPLICATION_JSON));
        String error;
        try {
            int status = http.execute(post, response -> response.getCode());
            if (status >= 200 && status < 300) {
                dao.delivered(delivery.eventId());
                delivered.mark();
                return;
            }
            error = "HTTP " + status;
        } catch (IOException e) {
            error = e.toString();
        }
        failedAttempts.mark();
        Duration delay = backoff(delivery.attempts() + 1);
        LOG.info("webhook {} to merchant {} failed (attempt {}): {}; next try in {}", delivery.eventId(), delivery.merchantId(),
                delivery.attempts() + 1, error, delay);
        dao.failed(delivery.eventId(), error, delay.toMillis() / 1000.0, settings.getMaxAttempts());
    }

    /** First retry after the configured delay, then doubling up to the maximum. */
    Duration backoff(int attempts) {
        Duration first = settings.getFirstRetryDelay().toJavaDuration();
        Duration max = settings.getMaxRetryDelay().toJavaDuration();
        Duration delay = first.multipliedBy(1L << Math.min(attempts - 1, 30));
        return delay.compareTo(max) > 0 || delay.isNegative() ? max : delay;
    }

    @Override
    public void stop() throws IOException, InterruptedException {
        scheduler.shutdown();
        scheduler.awaitTermination(settings.getTimeout().toSeconds() + 5, TimeUnit.SECONDS);
        http.close();
    }
}
