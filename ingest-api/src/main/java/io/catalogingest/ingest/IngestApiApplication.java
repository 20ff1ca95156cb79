package io.catalogingest.ingest;

import java.util.concurrent.TimeUnit;

import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.Databases;
import io.catalogingest.common.kafka.KafkaHealthCheck;
import io.catalogingest.ingest.core.ItemFormat;
import io.catalogingest.ingest.core.UploadIntake;
import io.catalogingest.ingest.db.IdempotencyDao;
import io.catalogingest.ingest.kafka.TransactionalProducers;
import io.catalogingest.ingest.resources.CorsFilter;
import io.catalogingest.ingest.resources.OpenApiResource;
import io.catalogingest.ingest.resources.UploadResource;
import io.catalogingest.common.ServiceBootstrap;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.jdbi.v3.core.Jdbi;

/** The merchant-facing upload endpoint. */
public class IngestApiApplication extends Application<IngestApiConfiguration> {
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
        MerchantAuth.install(environment, jdbi);

        TransactionalProducers producers = new TransactionalProducers(config.getKafka(), config.getInstanceId(),
                config.getProducerPoolSize(), config.getProducerAcquireTimeout().toJavaDuration(),
                config.getKafkaTimeout().toJavaDuration());
        environment.lifecycle().manage(producers);
        IdempotencyDao idempotency = jdbi.onDemand(IdempotencyDao.class);
        long retentionSeconds = config.getIdempotencyKeyRetention().toSeconds();
        environment.lifecycle().scheduledExecutorService("idempotency-expiry").threads(1).build()
                .scheduleWithFixedDelay(() -> idempotency.expire(retentionSeconds), 1, 10, TimeUnit.MINUTES);

        environment.jersey().register(MultiPartFeature.class);
        environment.jersey().register(new OpenApiResource());
        environment.jersey().register(new CorsFilter(new java.util.HashSet<>(config.getCorsAllowedOrigins())));
        environment.jersey().register(new UploadResource(ItemFormat.constrained(environment.getObjectMapper()), producers,
                new UploadIntake(config.getMaxItemsPerUpload()), idempotency,
                new UploadResource.Limits(config.getMaxBodySize().toBytes(), config.getUploadsPerMinute(), retentionSeconds),
                config.getStatusBaseUrl()));

        KafkaHealthCheck.register(environment, config.getKafka(), getName());
    }
}
