package io.catalogingest.status;

import java.net.URI;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.common.db.CancellationDao;
import io.catalogingest.status.db.WebhookDao;
import io.catalogingest.status.resources.ForwardingFilter;
import io.catalogingest.status.resources.NotReadyExceptionMapper;
import io.catalogingest.status.resources.PortalResource;
import io.catalogingest.status.resources.WebhookResource;
import io.catalogingest.status.webhooks.WebhookOutbox;
import io.catalogingest.status.webhooks.WebhookSender;
import io.catalogingest.status.core.Cancellations;
import io.catalogingest.status.core.ProgressWatch;
import io.catalogingest.status.resources.InstanceClient;
import io.catalogingest.status.streams.FoldDeadLetters;
import io.catalogingest.status.streams.StatusStores;
import io.catalogingest.status.streams.StreamsOwnership;
import io.dropwizard.lifecycle.AutoCloseableManager;

import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.Databases;
import io.catalogingest.common.kafka.GroupLagGauge;
import io.catalogingest.common.kafka.KafkaHealthCheck;
import io.catalogingest.status.health.StreamsHealthCheck;
import io.catalogingest.status.health.WebhookOutboxHealthCheck;
import io.catalogingest.status.resources.UploadStatusResource;
import io.catalogingest.status.streams.StatusStreams;
import io.catalogingest.status.streams.StatusTopology;
import io.catalogingest.common.ServiceBootstrap;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Upload status: a Kafka Streams fold of upload and item records, queried over REST. */
public class StatusServiceApplication extends Application<StatusServiceConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServiceApplication.class);
    private static final long PROGRESS_SCAN_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        new StatusServiceApplication().run(args);
    }

    @Override
    public String getName() {
        return "status-service";
    }

    @Override
    public void initialize(Bootstrap<StatusServiceConfiguration> bootstrap) {
        ServiceBootstrap.initialize(bootstrap);
    }

    @Override
    public void run(StatusServiceConfiguration config, Environment environment) {
        ServiceBootstrap.run(environment);
        Jdbi jdbi = Databases.jdbi(environment, config);
        MerchantAuth.install(environment, jdbi, config.getDatabase());

        StatusStreams streams = new StatusStreams(StatusTopology.build(config.getKafka().registry(), config.getRetention()),
                streamsProperties(config, environment.metrics()));
        environment.lifecycle().manage(streams);
        StreamsOwnership ownership = new StreamsOwnership(streams);
        Cancellations cancellations = new Cancellations(jdbi.onDemand(CancellationDao.class), config.getKafka(),
                config.getApplicationId() + "-cancellations");
        environment.lifecycle().manage(new AutoCloseableManager(cancellations));
        InstanceClient instances = new InstanceClient();
        environment.jersey().register(new ForwardingFilter(ownership, instances));
        environment.jersey().register(new NotReadyExceptionMapper());
        StatusStores stores = new StatusStores(streams, ownership);
        environment.jersey().register(new UploadStatusResource(stores, ownership, instances,
                cancellations, environment.getObjectMapper()));
        // Metrics read on a schedule, never at scrape time.
        ScheduledExecutorService readings = environment.lifecycle().scheduledExecutorService("metric-readings").threads(1).build();
        watchProgress(environment, stores, readings);

        environment.jersey().register(new PortalResource(config.getPortalIngestUrl()));
        WebhookDao webhooks = jdbi.onDemand(WebhookDao.class);
        environment.jersey().register(new WebhookResource(webhooks));
        WebhookOutbox outbox = new WebhookOutbox(config.getKafka(), config.getApplicationId() + "-webhooks", webhooks,
                environment.getObjectMapper(), environment.metrics());
        environment.lifecycle().manage(outbox);
        environment.healthChecks().register("webhook-outbox", new WebhookOutboxHealthCheck(outbox));
        environment.lifecycle().manage(new WebhookSender(webhooks, config.getWebhooks(), environment.metrics()));

        Admin lagAdmin = Admin.create(config.getKafka().common(config.getApplicationId() + "-lag"));
        environment.lifecycle().manage(new AutoCloseableManager(lagAdmin));
        GroupLagGauge.register(environment.metrics(), "fold.group-lag", readings, lagAdmin, config.getApplicationId(),
                StatusTopology.INPUTS);

        environment.healthChecks().register("streams", new StreamsHealthCheck(streams));
        KafkaHealthCheck.register(environment, config.getKafka(), getName());
    }

    /** Gauges of this instance's IN_PROGRESS uploads and the longest time one of them went without progress. */
    private static void watchProgress(Environment environment, StatusStores stores, ScheduledExecutorService readings) {
        ProgressWatch watch = new ProgressWatch();
        environment.metrics().registerGauge("uploads.in-progress", watch::inProgress);
        environment.metrics().registerGauge("uploads.longest-without-progress-seconds", watch::longestWithoutProgressSeconds);
        readings.scheduleWithFixedDelay(() -> {
            try {
                watch.scan(stores::eachUpload, Instant.now());
            } catch (RuntimeException e) {
                // Not ready (starting, rebalancing) or a store error: the gauges keep the last scan's
                // values and the next scan tries again.
                LOG.warn("progress scan skipped: {}", e.toString());
            }
        }, PROGRESS_SCAN_SECONDS, PROGRESS_SCAN_SECONDS, TimeUnit.SECONDS);
    }

    private static Properties streamsProperties(StatusServiceConfiguration config, MetricRegistry metrics) {
        Properties p = config.getKafka().common(config.getApplicationId());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getApplicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.getStateDir());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, StatusStreams.endpoint(URI.create(config.getAdvertisedUrl())));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getStreamThreads());
        // Exactly-once: a state update and its input offset commit together, so nothing counts twice after a crash.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A record that cannot be read or folded goes to the status dead-letter topic; the fold goes on.
        p.putAll(FoldDeadLetters.streamsConfig(metrics.meter("fold.dead-lettered")));
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        // A new instance first warms its state up while the tasks stay active elsewhere; check back
        // every minute (the least allowed) instead of ten, so scaling out takes effect soon.
        p.putIfAbsent(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000);
        p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        return p;
    }
}
