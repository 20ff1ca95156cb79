package io.catalogingest.common.metrics;

import java.io.IOException;

import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /prometheus} on the admin port: the service's Dropwizard metrics (its own meters and
 * gauges, Jetty, JVM, Jdbi) and its Kafka clients' metrics, in the Prometheus text format.
 */
public final class PrometheusEndpoint extends HttpServlet {
    public static final String PATH = "/prometheus";
    private static final PrometheusTextFormatWriter TEXT = new PrometheusTextFormatWriter(false);

    private final transient PrometheusRegistry registry;

    private PrometheusEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    public static void install(Environment environment) {
        PrometheusRegistry registry = new PrometheusRegistry();
        // A gauge that throws is left out of the scrape instead of failing all of it.
        DropwizardExports.builder().dropwizardRegistry(environment.metrics())
                .invalidMetricHandler((name, e) -> true).register(registry);
        registry.register(KafkaClientMetrics.collector());
        environment.admin().addServlet("prometheus", new PrometheusEndpoint(registry)).addMapping(PATH);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(TEXT.getContentType());
        response.setHeader("Cache-Control", "no-cache");
        TEXT.write(response.getOutputStream(), registry.scrape());
    }
}
