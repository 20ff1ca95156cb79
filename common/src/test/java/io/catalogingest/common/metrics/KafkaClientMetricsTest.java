package io.catalogingest.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class KafkaClientMetricsTest {
    private final String client = "client-" + UUID.randomUUID();

    private static String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, KafkaClientMetrics.snapshot());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void gauge(Metrics metrics, String name, String group, Map<String, String> tags, Object value) {
        metrics.addMetric(metrics.metricName(name, group, tags), (Gauge<Object>) (config, now) -> value);
    }

    @Test
    void aClientsMetricsAreExportedWithTheirTagsAsLabelsAndTotalsAsCounters() throws IOException {
        Metrics metrics = new Metrics(new MetricConfig(), List.of(new KafkaClientMetrics()), Time.SYSTEM);
        gauge(metrics, "records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", client), 42.0);
        gauge(metrics, "record-send-total", "producer-metrics", Map.of("client-id", client), 7.0);
        gauge(metrics, "version", "app-info", Map.of("client-id", client), "4.2.0");

        String scraped = scrape();

        assertThat(scraped).contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"" + client + "\"} 42.0")
                .contains("# TYPE kafka_producer_record_send_total counter")
                .contains("kafka_producer_record_send_total{client_id=\"" + client + "\"} 7.0")
                .as("a metric that is not a number").doesNotContain("\"4.2.0\"");

        metrics.close();
        assertThat(scrape()).as("a closed client's metrics are gone").doesNotContain(client);
    }

    @Test
    void aRemovedMetricIsNoLongerExported() throws IOException {
        try (Metrics metrics = new Metrics(new MetricConfig(), List.of(new KafkaClientMetrics()), Time.SYSTEM)) {
            gauge(metrics, "records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", client), 1.0);
            assertThat(scrape()).contains(client);

            metrics.removeMetric(metrics.metricName("records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", client)));

            assertThat(scrape()).doesNotContain(client);
        }
    }

    @Test
    void aMetricThatCannotBeReadIsLeftOutAndTheRestIsExported() throws IOException {
        try (Metrics metrics = new Metrics(new MetricConfig(), List.of(new KafkaClientMetrics()), Time.SYSTEM)) {
            metrics.addMetric(metrics.metricName("estimate-num-keys", "stream-state-metrics", Map.of("client-id", client)),
                    (Gauge<Object>) (config, now) -> {
                        throw new IllegalStateException("store closed");
                    });
            gauge(metrics, "records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", client), 3.0);

            assertThat(scrape()).contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"" + client + "\"} 3.0")
                    .doesNotContain("estimate_num_keys");
        }
    }

    /** A consumer and a producer may share a client id, and so a metric name: closing one leaves the other's. */
    @Test
    void twoClientsWithTheSameMetricNameKeepTheirOwn() throws IOException {
        Map<String, String> tags = Map.of("client-id", client);
        try (Metrics consumer = new Metrics(new MetricConfig(), List.of(new KafkaClientMetrics()), Time.SYSTEM)) {
            gauge(consumer, "count", "kafka-metrics-count", tags, 5.0);
            Metrics producer = new Metrics(new MetricConfig(), List.of(new KafkaClientMetrics()), Time.SYSTEM);
            gauge(producer, "count", "kafka-metrics-count", tags, 9.0);

            producer.close();

            assertThat(scrape()).contains("kafka_metrics_count_count{client_id=\"" + client + "\"} 5.0");
        }
    }
}
