package io.catalogingest.status.webhooks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.catalogingest.common.db.Migrations;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A migrated database of its own on the JVM's shared PostgreSQL (devstack): the sender claims every
 * due row of its database, so each test class must see only the outbox rows it wrote.
 */
final class IsolatedDatabase {
    private IsolatedDatabase() {}

    static Jdbi create() throws SQLException {
        EmbeddedDatabase server = DevStack.shared().database;
        String name = "webhooks_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + name);
        ds.setUser(EmbeddedDatabase.USER);
        ds.setPassword(EmbeddedDatabase.PASSWORD);
        Migrations.migrate(ds);
        return Jdbi.create(ds).installPlugins();
    }
}
