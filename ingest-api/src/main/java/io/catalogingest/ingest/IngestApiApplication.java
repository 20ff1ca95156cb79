package io.catalogingest.ingest;

import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.Databases;
import io.catalogingest.common.kafka.KafkaHealthCheck;
import io.catalogingest.ingest.kafka.TransactionalProducers;
import io.catalogingest.ingest.resources.UploadResource;
import io.catalogingest.common.ServiceBootstrap;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
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
        Jdbi jdbi = Databases.jdbi(environment, config);
        MerchantAuth.install(environment, jdbi);

        TransactionalProducers producers = new TransactionalProducers(config.getKafka(), config.getInstanceId(),
                config.getProducerPoolSize(), config.getProducerAcquireTimeout().toJavaDuration());
        environment.lifecycle().manage(producers);
        environment.jersey().register(new UploadResource(environment.getObjectMapper(), producers,
                config.getStatusBaseUrl(), config.getMaxItemsPerUpload()));

        KafkaHealthCheck.register(environment, config.getKafka(), getName());
    }
}
