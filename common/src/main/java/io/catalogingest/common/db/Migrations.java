package io.catalogingest.common.db;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/** Brings the schema up to date; Flyway's lock makes concurrent starts of several services safe. */
public final class Migrations {
    private Migrations() {}

    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }
}
