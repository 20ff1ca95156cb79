package io.catalogingest.common.kafka;

import java.util.concurrent.TimeUnit;

import com.codahale.metrics.health.HealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Healthy while the cluster answers a metadata request within a few seconds. */
public final class KafkaHealthCheck extends HealthCheck implements AutoCloseable {
    private final Admin admin;

    public KafkaHealthCheck(KafkaFactory kafka, String clientId) {
        this.admin = Admin.create(kafka.common(clientId + "-health"));
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
