package io.catalogingest.status.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.status.core.WebhookSignature;
import io.catalogingest.status.db.WebhookDao;
import io.dropwizard.jackson.Jackson;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against real PostgreSQL, delivering to receivers on 127.0.0.1. */
class WebhookSenderTest {
    private static final Duration AT_MOST = Duration.ofSeconds(30);

    private static Jdbi jdbi;
    private static WebhookDao dao;

    private final List<Receiver> receivers = new ArrayList<>();
    private WebhookSender sender;

    @BeforeAll
    static void database() throws Exception {
        jdbi = IsolatedDatabase.create();
        dao = jdbi.onDemand(WebhookDao.class);
    }

    @BeforeEach
    void sender() {
        sender = new WebhookSender(dao, settings(), new MetricRegistry());
    }

    @AfterEach
    void stop() throws Exception {
        receivers.forEach(Receiver::close);
        sender.stop();
        jdbi.useHandle(h -> h.execute("DELETE FROM webhook_deliveries"));
    }

    private static WebhookSettings settings() {
        return Jackson.newObjectMapper().convertValue(Map.of(
                "allowedPrivateNetworks", List.of("127.0.0.1/32"),
                "pollInterval", "50ms",
                // Longer than any wait here: a held receiver answers when the test releases it, never by timing out.
                "timeout", "60s",
                "maxConcurrentDeliveries", 4), WebhookSettings.class);
    }

    @Test
    void aSlowReceiverDelaysOnlyItsOwnMerchant() throws Exception {
        Receiver slow = receiver(Receiver.holdingAnswers());
        Receiver fast = receiver(Receiver.answering());
        String slowMerchant = merchantWithWebhook(slow.url());
        String fastMerchant = merchantWithWebhook(fast.url());
        String slowFirst = enqueue(slowMerchant);
        String slowSecond = enqueue(slowMerchant);
        String fastEvent = enqueue(fastMerchant);
        // Both of the slow merchant's events are due before the other merchant's.
        jdbi.useHandle(h -> h.execute("UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 minute' "
                + "WHERE merchant_id = ?", slowMerchant));

        sender.start();

        assertThat(slow.next().eventId()).isEqualTo(slowFirst);
        assertThat(fast.next().eventId()).as("delivered while the slow receiver holds its request").isEqualTo(fastEvent);
        await().atMost(AT_MOST).until(() -> delivered(fastEvent));
        assertThat(delivered(slowFirst)).isFalse();

        slow.release();
        assertThat(slow.next().eventId()).isEqualTo(slowSecond);
        await().atMost(AT_MOST).until(() -> delivered(slowFirst) && delivered(slowSecond));
        assertThat(slow.mostOpenAtOnce()).as("one delivery at a time per merchant").isEqualTo(1);
    }

    @Test
    void aPendingDeliveryGoesToTheUrlRegisteredWhenItIsSent() throws Exception {
        Receiver previous = receiver(Receiver.answering());
        Receiver current = receiver(Receiver.answering());
        String merchant = merchantWithWebhook(previous.url());
        String event = enqueue(merchant);
        String secret = register(merchant, current.url());

        sender.start();

        Receiver.Request request = current.next();
        assertThat(request.eventId()).isEqualTo(event);
        assertThat(WebhookSignature.verify(secret, request.timestamp(), request.body(), request.signature()))
                .as("signed with the secret issued with the current URL").isTrue();
        await().atMost(AT_MOST).until(() -> delivered(event));
        assertThat(previous.receivedNothingMore()).isTrue();
    }

    @Test
    void aDeliveryWhoseWebhookWasRemovedIsGivenUpUnsent() throws Exception {
        Receiver receiver = receiver(Receiver.answering());
        String merchant = merchantWithWebhook(receiver.url());
        String event = enqueue(merchant);
        dao.remove(merchant);

        sender.start();

        await().atMost(AT_MOST).until(() -> lastErrorOfGivenUp(event) != null);
        assertThat(lastErrorOfGivenUp(event)).isEqualTo(WebhookSender.WEBHOOK_REMOVED);
        assertThat(receiver.receivedNothingMore()).isTrue();
    }

    private Receiver receiver(Receiver receiver) {
        receivers.add(receiver);
        return receiver;
    }

    private static String merchantWithWebhook(String url) {
        String merchant = "m-" + UUID.randomUUID();
        jdbi.useHandle(h -> h.execute("INSERT INTO merchants (merchant_id, name) VALUES (?, ?)", merchant, "Webhooks"));
        register(merchant, url);
        return merchant;
    }

    /** Registers the URL and returns the signing secret issued with it. */
    private static String register(String merchant, String url) {
        String secret = WebhookSignature.newSecret();
        dao.register(merchant, url, secret);
        return secret;
    }

    private static String enqueue(String merchant) {
        String event = UUID.randomUUID() + ":done";
        assertThat(dao.enqueue(List.of(new WebhookDao.QueuedEvent(event, merchant, "{\"eventId\":\"" + event + "\"}"))))
                .containsExactly(1);
        return event;
    }

    private static boolean delivered(String event) {
        return jdbi.withHandle(h -> h.createQuery("SELECT delivered_at IS NOT NULL FROM webhook_deliveries WHERE event_id = :e")
                .bind("e", event).mapTo(Boolean.class).one());
    }

    private static String lastErrorOfGivenUp(String event) {
        return jdbi.withHandle(h -> h.createQuery("SELECT last_error FROM webhook_deliveries WHERE event_id = :e AND given_up_at IS NOT NULL")
                .bind("e", event).mapTo(String.class).findOne().orElse(null));
    }
}
