package io.catalogingest.status.webhooks;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Delivers the outbox: POSTs each due event, signed, to the URL its merchant has registered when it
 * is sent, until a 2xx answer acknowledges it (at-least-once; receivers drop repeats by
 * {@value #EVENT_ID}). Failures wait with exponential backoff; an event whose merchant has removed
 * its webhook is given up. Merchants are served in parallel, at most
 * {@link WebhookSettings#getMaxConcurrentDeliveries()} deliveries at once and one per merchant, so a
 * slow receiver delays only its own merchant's events. Addresses pass the same SSRF guard as image
 * downloads, and redirects are not followed: only the registered URL can acknowledge.
 */
public final class WebhookSender implements Managed {
    public static final String EVENT_ID = "Catalog-Event-Id";
    public static final String TIMESTAMP = "Catalog-Timestamp";
    public static final String SIGNATURE = "Catalog-Signature";
    static final String WEBHOOK_REMOVED = "webhook removed";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    private final WebhookDao dao;
    private final WebhookSettings settings;
    private final CloseableHttpClient http;
    /** Claims due deliveries; the only thread that marks merchants busy, so none is claimed twice here. */
    private final ScheduledExecutorService dispatcher = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "webhook-dispatcher"));
    private final ExecutorService deliveries;
    private final Set<String> busyMerchants = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dispatchQueued = new AtomicBoolean();
    /** Connecting and awaiting the answer may each take the timeout; the third is margin for the database. */
    private final long leaseMillis;
    private final Meter delivered;
    private final Meter failedAttempts;

    public WebhookSender(WebhookDao dao, WebhookSettings settings, MetricRegistry metrics) {
        this.dao = dao;
        this.settings = settings;
        int maxConcurrent = settings.getMaxConcurrentDeliveries();
        Timeout timeout = Timeout.of(settings.getTimeout().toJavaDuration());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(new AddressPolicy(settings.getAllowedPrivateNetworks())))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                        // Merchants may share a host: the pool must never hold back a delivery the sender started.
                        .setMaxConnTotal(maxConcurrent)
                        .setMaxConnPerRoute(maxConcurrent)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).setRedirectsEnabled(false).build())
                .disableAutomaticRetries()
                .setUserAgent("catalog-ingest-webhooks/1")
                .build();
        AtomicInteger threads = new AtomicInteger();
        this.deliveries = Executors.newFixedThreadPool(maxConcurrent, r -> new Thread(r, "webhook-delivery-" + threads.incrementAndGet()));
        this.leaseMillis = settings.getTimeout().toMilliseconds() * 3;
        this.delivered = metrics.meter("webhooks.delivered");
        this.failedAttempts = metrics.meter("webhooks.failed-attempts");
    }

    @Override
    public void start() {
        long every = settings.getPollInterval().toMilliseconds();
        dispatcher.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
    }

    /** Claims as many due deliveries as there are free slots, one per idle merchant, and starts each at once. */
    private void sendDue() {
        dispatchQueued.set(false);
        int free = settings.getMaxConcurrentDeliveries() - busyMerchants.size();
        if (free <= 0) {
            return;
        }
        try {
            for (WebhookDao.Delivery delivery : dao.claimDue(free, leaseMillis / 1000.0, busyMerchants.toArray(String[]::new))) {
                busyMerchants.add(delivery.merchantId());
                deliveries.execute(() -> deliver(delivery));
            }
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("webhook deliveries not sent this round: {}", e.toString());
        }
    }

    private void deliver(WebhookDao.Delivery delivery) {
        try {
            send(delivery);
        } catch (RuntimeException | AssertionError e) {
            // The outcome was not recorded: when the lease runs out the event is sent again.
            LOG.warn("webhook {} to merchant {}: outcome not recorded: {}", delivery.eventId(), delivery.merchantId(), e.toString());
        } finally {
            busyMerchants.remove(delivery.merchantId());
            dispatchSoon();
        }
    }

    /** A freed slot is filled now rather than at the next poll, so one merchant's backlog drains at its receiver's pace. */
    private void dispatchSoon() {
        if (dispatchQueued.compareAndSet(false, true)) {
            try {
                dispatcher.execute(this::sendDue);
            } catch (RejectedExecutionException stopping) {
                // the sender is stopping: nothing more is claimed
            }
        }
    }

    private void send(WebhookDao.Delivery delivery) {
        if (delivery.url() == null) {
            dao.failed(delivery.eventId(), WEBHOOK_REMOVED, 0, 0);
            return;
        }
        long timestamp = System.currentTimeMillis() / 1000;
        HttpPost post = new HttpPost(delivery.url());
        post.setHeader(EVENT_ID, delivery.eventId());
        post.setHeader(TIMESTAMP, Long.toString(timestamp));
        post.setHeader(SIGNATURE, WebhookSignature.sign(delivery.secret(), timestamp, delivery.payload()));
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
        dispatcher.shutdown();
        dispatcher.awaitTermination(leaseMillis, TimeUnit.MILLISECONDS);
        deliveries.shutdown();
        // A delivery still running when this ends keeps its lease; the event is sent again after it.
        deliveries.awaitTermination(leaseMillis, TimeUnit.MILLISECONDS);
        http.close();
    }
}
