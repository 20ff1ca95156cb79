package io.catalogingest.status.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.common.kafka.TopicSetup;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.status.db.WebhookDao;
import io.catalogingest.status.health.WebhookOutboxHealthCheck;
import io.dropwizard.jackson.Jackson;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox against the JVM's real broker, schema registry and PostgreSQL (devstack). The sender
 * does not run here: the tests look at the rows the outbox writes.
 */
class WebhookOutboxTest {
    private static final Duration AT_MOST = Duration.ofSeconds(60);

    private static Jdbi jdbi;
    private static KafkaFactory kafka;
    private static KafkaProducer<String, byte[]> producer;

    private final MetricRegistry metrics = new MetricRegistry();
    private final String groupId = "webhook-outbox-test-" + UUID.randomUUID();
    private WebhookOutbox outbox;

    @BeforeAll
    static void infrastructure() throws Exception {
        DevStack stack = DevStack.shared();
        jdbi = IsolatedDatabase.create();
        kafka = new KafkaFactory();
        kafka.setBootstrapServers(stack.kafka.bootstrapServers());
        kafka.setSchemaRegistryUrl(stack.registry.url());
        TopicSetup.createMissing(kafka, (short) 1);
        producer = new KafkaProducer<>(kafka.producer("webhook-outbox-test"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    /**
     * The topic is shared by every test of the JVM: the test's consumer group starts past what other
     * tests produced, so that each test counts only its own records.
     */
    @BeforeEach
    void startTheGroupAtTheEndOfTheTopic() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(groupId, groupId + "-setup"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.UPLOAD_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp, new OffsetAndMetadata(end)));
            consumer.commitSync(ends);
        }
    }

    @AfterEach
    void stopOutbox() throws InterruptedException {
        outbox.stop();
    }

    @Test
    void unreadableRecordsAreCountedAndSkippedAndTheNextEventIsQueued() throws Exception {
        UploadFinished event = finished(merchantWithWebhook());
        byte[] good = new AvroSerializer<UploadFinished>(kafka.registry()).serialize(Topics.UPLOAD_EVENTS, event);
        // One key, so one partition: both unreadable records come before the event.
        produce(event, "not an event".getBytes(StandardCharsets.UTF_8));
        produce(event, Arrays.copyOf(good, 7)); // the wire format's header with a known schema id, then too few bytes
        produce(event, good);

        start(jdbi.onDemand(WebhookDao.class));

        await().atMost(AT_MOST).until(() -> queued(event));
        assertThat(metrics.counter(WebhookOutbox.UNREADABLE).getCount()).isEqualTo(2);
        assertThat(metrics.counter(WebhookOutbox.RESTARTS).getCount()).isZero();
        assertThat(metrics.meter(WebhookOutbox.ENQUEUED).getCount()).isPositive();
    }

    /**
     * Acceptance: a record in the wire format with a schema id the registry does not know (it answers
     * 404) can never be read: it is counted and skipped, not retried for ever, and the next event is queued.
     */
    @Test
    void aRecordWithASchemaIdTheRegistryDoesNotKnowIsCountedAndSkippedAndTheNextEventIsQueued() throws Exception {
        UploadFinished event = finished(merchantWithWebhook());
        produce(event, new byte[] {0, 0, 0, 0x7f, 0x7f, 1}); // the magic byte, then schema id 32639, which nobody registered
        produce(event, new AvroSerializer<UploadFinished>(kafka.registry()).serialize(Topics.UPLOAD_EVENTS, event));

        start(jdbi.onDemand(WebhookDao.class));

        await().atMost(AT_MOST).until(() -> queued(event));
        assertThat(metrics.counter(WebhookOutbox.UNREADABLE).getCount()).isEqualTo(1);
        assertThat(metrics.counter(WebhookOutbox.RESTARTS).getCount()).as("skipped, not retried").isZero();
    }

    @Test
    void afterAFailureTheLoopStartsAgainAndTheHealthCheckReportsItMeanwhile() throws Exception {
        AtomicBoolean databaseDown = new AtomicBoolean();
        start(failingWhile(databaseDown, jdbi.onDemand(WebhookDao.class)));
        HealthCheck health = new WebhookOutboxHealthCheck(outbox, Duration.ZERO);
        await().atMost(AT_MOST).until(() -> health.execute().isHealthy());
        assertThat(consumingGauge()).isEqualTo(1);

        databaseDown.set(true);
        UploadFinished event = finished(merchantWithWebhook());
        produce(event, new AvroSerializer<UploadFinished>(kafka.registry()).serialize(Topics.UPLOAD_EVENTS, event));

        // The event cannot be queued while the database is down: every restart fails on it again.
        await().atMost(AT_MOST).until(() -> !health.execute().isHealthy());
        assertThat(health.execute().getMessage()).contains("database down");
        assertThat(consumingGauge()).isZero();
        assertThat(metrics.counter(WebhookOutbox.RESTARTS).getCount()).isPositive();

        databaseDown.set(false);
        await().atMost(AT_MOST).until(() -> queued(event));
        await().atMost(AT_MOST).until(() -> health.execute().isHealthy());
        assertThat(consumingGauge()).isEqualTo(1);
    }

    private void start(WebhookDao dao) {
        outbox = new WebhookOutbox(kafka, groupId, dao, Jackson.newObjectMapper(), metrics);
        outbox.start();
    }

    private int consumingGauge() {
        return (Integer) metrics.getGauges().get(WebhookOutbox.CONSUMING).getValue();
    }

    /** The DAO, except that queuing fails while {@code databaseDown} is set. */
    private static WebhookDao failingWhile(AtomicBoolean databaseDown, WebhookDao dao) {
        return (WebhookDao) Proxy.newProxyInstance(WebhookDao.class.getClassLoader(), new Class<?>[] {WebhookDao.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("enqueue") && databaseDown.get()) {
                        throw new ConnectionException(new SQLException("database down"));
                    }
                    try {
                        return method.invoke(dao, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String merchantWithWebhook() {
        String merchant = "m-" + UUID.randomUUID();
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO merchants (merchant_id, name) VALUES (?, ?)", merchant, "Webhooks");
            // Never called: no sender runs in these tests.
            h.execute("INSERT INTO webhooks (merchant_id, url, secret) VALUES (?, 'http://127.0.0.1:9/hooks', 'whsec_test')", merchant);
        });
        return merchant;
    }

    private static UploadFinished finished(String merchant) {
        String uploadId = UUID.randomUUID().toString();
        return UploadFinished.newBuilder().setEventId(uploadId + ":done").setUploadId(uploadId).setMerchantId(merchant)
                .setStatus("DONE").setTotalItems(1).setSucceeded(1).setFailed(0).setFinishedAt(Instant.now()).build();
    }

    private static void produce(UploadFinished event, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.UPLOAD_EVENTS, event.getUploadId(), value)).get();
    }

    private static boolean queued(UploadFinished event) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM webhook_deliveries WHERE event_id = :e")
                .bind("e", event.getEventId()).mapTo(Integer.class).one()) == 1;
    }
}
