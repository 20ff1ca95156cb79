package io.catalogingest.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.catalogingest.common.ServiceBootstrap;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.Databases;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.kafka.KafkaHealthCheck;
import io.catalogingest.common.storage.ObjectStoreHealthCheck;
import io.catalogingest.common.storage.SpoolStore;
import io.catalogingest.ingest.core.Claims;
import io.catalogingest.ingest.core.StagedUploads;
import io.catalogingest.ingest.core.SubmissionOrder;
import io.catalogingest.ingest.core.UploadIntake;
import io.catalogingest.ingest.db.IdempotencyDao;
import io.catalogingest.ingest.db.SubmissionOrderDao;
import io.catalogingest.ingest.kafka.TransactionalProducers;
import io.catalogingest.ingest.resources.CorsFilter;
import io.catalogingest.ingest.resources.IntakeExceptionMappers;
import io.catalogingest.ingest.resources.OpenApiResource;
import io.catalogingest.ingest.resources.StagedUploadResource;
import io.catalogingest.ingest.resources.UploadResource;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** The merchant-facing upload endpoint. */
public class IngestApiApplication extends Application<IngestApiConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApiApplication.class);

    public static void main(String[] args) throws Exception {
        new IngestApiApplication().run(args);
    }

    @Override
    public String getName() {
        return "ingest-api";
    }

    @Override
    public void initialize(Bootstrap<IngestApiConfiguration> bootstrap) {
        ServiceBootstrap.initialize(bootstrap);
    }

    @Override
    public void run(IngestApiConfiguration config, Environment environment) {
        ServiceBootstrap.run(environment);
        Jdbi jdbi = Databases.jdbi(environment, config);
        MerchantAuth.install(environment, jdbi, config.getDatabase());
        ScheduledExecutorService housekeeping = environment.lifecycle().scheduledExecutorService("ingest-housekeeping").threads(1).build();

        SpoolStore spool = spool(config, environment, housekeeping);
        TransactionalProducers producers = new TransactionalProducers(config.getKafka(), config.getInstanceId(),
                config.getProducerPoolSize(), config.getProducerAcquireTimeout().toJavaDuration(),
                config.getKafkaTimeout().toJavaDuration(), config.getCommitDeadline().toJavaDuration(),
                environment.metrics());
        environment.lifecycle().manage(producers);

        IdempotencyDao idempotency = jdbi.onDemand(IdempotencyDao.class);
        long retentionSeconds = config.getIdempotencyKeyRetention().toSeconds();
        Claims claims = new Claims(idempotency, retentionSeconds, config.getClaimLease().toSeconds());
        long renewEvery = Math.max(1, config.getClaimLease().toSeconds() / 3);
        housekeeping.scheduleWithFixedDelay(claims::renewAll, renewEvery, renewEvery, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> idempotency.expire(retentionSeconds), 1, 10, TimeUnit.MINUTES);

        UploadIntake intake = new UploadIntake(ItemFormat.constrained(environment.getObjectMapper()), spool, producers, claims,
                SubmissionOrder.of(jdbi.onDemand(SubmissionOrderDao.class)),
                new UploadIntake.Limits(config.getMaxBodySize().toBytes(), config.getMaxItemsPerUpload(),
                        (int) config.getInlineBodySize().toBytes()), Clock.systemUTC());
        environment.jersey().register(MultiPartFeature.class);
        environment.jersey().register(new OpenApiResource());
        environment.jersey().register(new CorsFilter(new HashSet<>(config.getCorsAllowedOrigins())));
        environment.jersey().register(new IntakeExceptionMappers.Refused());
        environment.jersey().register(new IntakeExceptionMappers.Unavailable());
        environment.jersey().register(new UploadResource(environment.getObjectMapper(), intake, config.getUploadsPerMinute(),
                config.getStatusBaseUrl(), environment.metrics()));
        environment.jersey().register(new StagedUploadResource(
                new StagedUploads(spool, config.getStagedUploadValidity().toJavaDuration(), Clock.systemUTC())));

        KafkaHealthCheck.register(environment, config.getKafka(), getName());
    }

    /** Deletes spooled and staged bodies older than their retention; a failed sweep is retried next time. */
    private static void sweep(SpoolStore spool, java.time.Duration retention) {
        try {
            Instant cutoff = Instant.now().minus(retention);
            int deleted = spool.deleteOlderThan("uploads/", cutoff) + spool.deleteOlderThan("staged/", cutoff);
            if (deleted > 0) {
                LOG.info("deleted {} spooled bodies older than {}", deleted, retention);
            }
        } catch (RuntimeException e) {
            LOG.warn("spool sweep failed: {}", e.toString());
        }
    }

    /** The object store for upload bodies, and the sweeper that deletes them after their retention. */
    private static SpoolStore spool(IngestApiConfiguration config, Environment environment, ScheduledExecutorService housekeeping) {
        S3Client s3 = config.getObjectStore().build();
        config.getObjectStore().ensureBucket(s3);
        environment.lifecycle().manage(new AutoCloseableManager(s3));
        var presigner = config.getObjectStore().presigner();
        environment.lifecycle().manage(new AutoCloseableManager(presigner));
        environment.healthChecks().register("object-store", new ObjectStoreHealthCheck(s3, config.getObjectStore().getBucket()));
        ExecutorService partUploads = environment.lifecycle().executorService("spool-part-%d")
                .minThreads(config.getProducerPoolSize()).maxThreads(config.getProducerPoolSize() * 4).build();
        SpoolStore spool = new SpoolStore(s3, presigner, config.getObjectStore().getBucket(),
                (int) config.getSpoolPartSize().toBytes(), partUploads);
        java.time.Duration retention = config.getSpoolRetention().toJavaDuration();
        housekeeping.scheduleWithFixedDelay(() -> sweep(spool, retention), 1, 60, TimeUnit.MINUTES);
        return spool;
    }
}
