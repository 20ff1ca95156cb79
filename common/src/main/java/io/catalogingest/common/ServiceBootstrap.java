package io.catalogingest.common;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.catalogingest.common.api.ProblemExceptionMapper;
import io.catalogingest.common.metrics.PrometheusEndpoint;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;

/** What every service sets up, before reading its configuration and when it runs. */
public final class ServiceBootstrap {
    private ServiceBootstrap() {}

    public static void initialize(Bootstrap<?> bootstrap) {
        // ${VAR:-default} in the YAML reads the environment; an unset variable without default fails fast.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true)));
        // Times travel as ISO-8601 strings, not epoch numbers.
        bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** What every service registers when it runs. */
    public static void run(Environment environment) {
        environment.jersey().register(new ProblemExceptionMapper());
        PrometheusEndpoint.install(environment);
    }
}
