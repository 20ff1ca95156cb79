package io.catalogingest.workers;

import io.catalogingest.common.db.Migrations;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/** The shared embedded PostgreSQL with the pipeline's migrations applied, for tests of the stages' SQL. */
public final class MigratedDatabase {
    private static Jdbi jdbi;

    private MigratedDatabase() {}

    public static synchronized Jdbi jdbi() {
        if (jdbi == null) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(DevStack.shared().database.jdbcUrl());
            ds.setUser(EmbeddedDatabase.USER);
            ds.setPassword(EmbeddedDatabase.PASSWORD);
            Migrations.migrate(ds);
            jdbi = Jdbi.create(ds).installPlugins();
        }
        return jdbi;
    }
}
