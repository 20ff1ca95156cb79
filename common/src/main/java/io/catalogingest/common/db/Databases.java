package io.catalogingest.common.db;

import io.catalogingest.common.CatalogConfiguration;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jdbi3.JdbiFactory;
import org.jdbi.v3.core.Jdbi;

/** Builds the service's Jdbi (with its pool metrics and health check) and migrates the schema. */
public final class Databases {
    private Databases() {}

    public static Jdbi jdbi(Environment environment, CatalogConfiguration configuration) {
        Jdbi jdbi = new JdbiFactory().build(environment, configuration.getDatabase(), "postgresql");
        if (configuration.isMigrateOnStart()) {
            Migrations.migrate(configuration.getDatabase().build(environment.metrics(), "flyway"));
        }
        return jdbi;
    }
}
