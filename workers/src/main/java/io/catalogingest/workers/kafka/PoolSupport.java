package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** What both kinds of pool share: backoff, lag metrics. */
final class PoolSupport {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private PoolSupport() {}

    static Duration nextBackoff(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /** Registers a gauge of the largest records-lag-max any of the consumers reports. */
    static void registerLag(MetricRegistry metrics, String prefix, java.util.function.Supplier<List<? extends Consumer<?, ?>>> consumers) {
        metrics.register(MetricRegistry.name(prefix, "consumer-lag"), (Gauge<Double>) () -> {
            double lag = 0;
            for (Consumer<?, ?> consumer : consumers.get()) {
                for (Map.Entry<MetricName, ? extends Metric> m : consumer.metrics().entrySet()) {
                    if (m.getKey().name().equals("records-lag-max") && m.getValue().metricValue() instanceof Double d && !d.isNaN()) {
                        lag = Math.max(lag, d);
                    }
                }
            }
            return lag;
        });
    }
}
