package io.catalogingest.ops;

import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Option;

/** How a command reaches the catalog database: flags, else the services' environment variables. */
final class DatabaseOptions {
    @Option(names = "--database-url", defaultValue = "${env:DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/catalog}",
            description = "JDBC URL (env DATABASE_URL; default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--database-user", defaultValue = "${env:DATABASE_USER:-postgres}",
            description = "Database user (env DATABASE_USER; default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--database-password", defaultValue = "${env:DATABASE_PASSWORD:-}",
            description = "Database password (env DATABASE_PASSWORD).")
    String password;

    Jdbi jdbi() {
        return Jdbi.create(url, user, password).installPlugins();
    }
}
