package io.catalogingest.common.kafka;

import java.util.concurrent.TimeUnit;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Healthy while the cluster answers a metadata request within a few seconds. */
public final class KafkaHealthCheck extends HealthCheck implements AutoCloseable {
    private final Admin admin;

    private KafkaHealthCheck(KafkaFactory kafka, String clientId) {
        this.admin = Admin.create(kafka.common(clientId + "-health"));
    }

    /** Registers the check as "kafka" on the service's admin port; its client closes with the service. */
    public static void register(Environment environment, KafkaFactory kafka, String serviceName) {
        KafkaHealthCheck check = new KafkaHealthCheck(kafka, serviceName);
        environment.lifecycle().manage(new AutoCloseableManager(check));
        environment.healthChecks().register("kafka", check);
    }

    @Override
    protected Result check() throws Exception {
        int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                .nodes().get(4, TimeUnit.SECONDS).size();
        return brokers > 0 ? Result.healthy("%d broker(s) reachable", brokers) : Result.unhealthy("no brokers");
    }

    @Override
    public void close() {
        admin.close();
    }
}
