package io.catalogingest.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogingest.common.metrics.KafkaClientMetrics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.metrics.JmxReporter;
import org.junit.jupiter.api.Test;

class KafkaFactoryTest {
    @Test
    void clientsReportToPrometheusAndStillToJmxByDefault() {
        assertThat(new KafkaFactory().common("c").getProperty(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG))
                .isEqualTo(JmxReporter.class.getName() + "," + KafkaClientMetrics.class.getName());
    }

    @Test
    void configuredReportersAreKept() {
        KafkaFactory kafka = new KafkaFactory();
        kafka.getProperties().put(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, "com.example.Reporter");

        assertThat(kafka.consumer("g", "c").getProperty(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG))
                .isEqualTo("com.example.Reporter," + KafkaClientMetrics.class.getName());
    }
}
