package io.catalogingest.common.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * Every Kafka client's own metrics (producers, consumers, admin clients, Kafka Streams) in the
 * Prometheus format. Kafka instantiates the reporter itself, once per client, from
 * {@code metric.reporters}; the clients' metrics therefore live in one map per JVM, which
 * {@link #collector()} reads at scrape time.
 *
 * <p>A metric {@code records-lag-max} of group {@code consumer-fetch-manager-metrics} becomes
 * {@code kafka_consumer_fetch_manager_records_lag_max}, its tags become labels, and a metric whose
 * name ends in {@code -total} is a counter.
 */
public final class KafkaClientMetrics implements MetricsReporter {
    private static final Set<KafkaMetric> METRICS = ConcurrentHashMap.newKeySet();

    private final Set<KafkaMetric> mine = ConcurrentHashMap.newKeySet();

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void init(List<KafkaMetric> metrics) {
        metrics.forEach(this::metricChange);
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        // A re-registered metric replaces this client's one of the same name; another client's stays.
        mine.removeIf(m -> {
            boolean replaced = m.metricName().equals(metric.metricName());
            if (replaced) {
                METRICS.remove(m);
            }
            return replaced;
        });
        METRICS.add(metric);
        mine.add(metric);
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
        METRICS.remove(metric);
        mine.remove(metric);
    }

    @Override
    public void close() {
        METRICS.removeAll(mine);
        mine.clear();
    }

    /** The Prometheus name of a Kafka metric, and whether it is a counter. */
    record Family(String name, boolean counter) {
        static Family of(MetricName metric) {
            String group = metric.group().endsWith("-metrics")
                    ? metric.group().substring(0, metric.group().length() - "-metrics".length()) : metric.group();
            boolean counter = metric.name().endsWith("-total");
            String name = counter ? metric.name().substring(0, metric.name().length() - "-total".length()) : metric.name();
            String prefix = group.startsWith("kafka-") ? "" : "kafka_";
            return new Family(PrometheusNaming.sanitizeMetricName(underscores(prefix + group + "_" + name)), counter);
        }
    }

    /** Names as Prometheus spells them, so that two Kafka names that differ only in punctuation meet here. */
    private static String underscores(String name) {
        return name.replaceAll("[^a-zA-Z0-9_:]", "_");
    }

    static Labels labels(MetricName metric) {
        Labels.Builder labels = Labels.builder();
        new TreeMap<>(metric.tags()).forEach((k, v) -> labels.label(PrometheusNaming.sanitizeLabelName(underscores(k)), v));
        return labels.build();
    }

    /** The metric's value, or null when it is not a finite number or cannot be read now (a closed RocksDB store). */
    private static Double valueOf(KafkaMetric metric) {
        try {
            return metric.metricValue() instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Reads the clients' metrics at each scrape; metrics that are not numbers (e.g. versions) or cannot be read are left out. */
    public static MultiCollector collector() {
        return KafkaClientMetrics::snapshot;
    }

    static MetricSnapshots snapshot() {
        Map<Family, Map<Labels, Double>> families = new TreeMap<>(
                Comparator.comparing(Family::name).thenComparing(Family::counter));
        for (KafkaMetric metric : METRICS) {
            Double value = valueOf(metric);
            if (value != null) {
                // Two clients with one name and the same tags (e.g. a consumer and its producer sharing a
                // client id) are one series: the last one read wins.
                families.computeIfAbsent(Family.of(metric.metricName()), f -> new TreeMap<>())
                        .put(labels(metric.metricName()), value);
            }
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        Set<String> names = new HashSet<>();
        families.forEach((family, points) -> {
            // A counter and a gauge sanitised to one name cannot both be exported; the first one wins.
            if (!names.add(family.name())) {
                return;
            }
            if (family.counter()) {
                CounterSnapshot.Builder counter = CounterSnapshot.builder().name(family.name());
                points.forEach((labels, value) -> counter.dataPoint(
                        CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(Math.max(0, value)).build()));
                snapshots.add(counter.build());
            } else {
                GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(family.name());
                points.forEach((labels, value) -> gauge.dataPoint(
                        GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build()));
                snapshots.add(gauge.build());
            }
        });
        return new MetricSnapshots(snapshots);
    }
}
