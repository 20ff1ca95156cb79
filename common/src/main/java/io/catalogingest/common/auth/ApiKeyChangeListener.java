package io.catalogingest.common.auth;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.lifecycle.Managed;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link ApiKeyCache} in step with the api_keys table. One dedicated connection LISTENs to
 * the hashes the table's trigger announces (migration V6) and evicts them; a heartbeat every
 * {@link #HEARTBEAT_MILLIS} confirms the cache current. When the connection breaks, the whole cache
 * is dropped (announcements may have been missed) and keys are read from the database until the
 * listener, reconnecting with backoff, listens again.
 */
public final class ApiKeyChangeListener implements Managed {
    private static final String CHANNEL = "api_key_changes";
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyChangeListener.class);
    /** Well inside {@link ApiKeyCache#MAX_STALENESS}, so a healthy listener keeps the cache current. */
    private static final int HEARTBEAT_MILLIS = 250;
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    /** A stalled connection fails after this instead of holding the listener forever. */
    private static final int SOCKET_TIMEOUT_SECONDS = 5;

    private final ApiKeyCache cache;
    private final DataSource connections;
    private final Thread thread = new Thread(this::run, "api-key-invalidation");
    private volatile boolean running;
    private volatile Connection connection;

    public ApiKeyChangeListener(ApiKeyCache cache, DataSource connections) {
        this.cache = cache;
        this.connections = connections;
        thread.setDaemon(true);
    }

    /** Listens on a connection of its own to the service's database, outside the service's pool. */
    public static ApiKeyChangeListener forDatabase(ApiKeyCache cache, DataSourceFactory database) {
        PGSimpleDataSource connections = new PGSimpleDataSource();
        connections.setURL(database.getUrl());
        connections.setUser(database.getUser());
        connections.setPassword(database.getPassword());
        for (Map.Entry<String, String> property : database.getProperties().entrySet()) {
            try {
                connections.setProperty(property.getKey(), property.getValue());
            } catch (SQLException e) {
                throw new IllegalArgumentException("database.properties." + property.getKey() + ": " + e.getMessage(), e);
            }
        }
        connections.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        connections.setConnectTimeout(SOCKET_TIMEOUT_SECONDS);
        connections.setApplicationName("api-key-invalidation");
        return new ApiKeyChangeListener(cache, connections);
    }

    @Override
    public void start() {
        running = true;
        thread.start();
    }

    @Override
    public void stop() throws Exception {
        running = false;
        Connection listening = connection;
        if (listening != null) {
            listening.close(); // wakes the thread waiting for notifications
        }
        thread.interrupt(); // or sleeping before it reconnects
        thread.join(10_000);
    }

    private void run() {
        long backoffMillis = MIN_BACKOFF_MILLIS;
        while (running) {
            try (Connection listening = connections.getConnection()) {
                connection = listening;
                PGConnection notifications = listening.unwrap(PGConnection.class);
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    LOG.info("listening for API-key changes");
                    backoffMillis = MIN_BACKOFF_MILLIS;
                    evictAnnouncedKeys(statement, notifications);
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("not listening for API-key changes, keys are read from the database until it is back: {}",
                            e.toString());
                }
            } finally {
                cache.forgetAll();
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                return;
            }
            backoffMillis = Math.min(2 * backoffMillis, MAX_BACKOFF_MILLIS);
        }
    }

    private void evictAnnouncedKeys(Statement statement, PGConnection notifications) throws SQLException {
        while (running) {
            long checkedAt = cache.now();
            // The server sends what was announced before this query arrived ahead of its answer, so
            // once the notifications read below are applied, nothing committed before checkedAt is missing.
            statement.execute("SELECT 1");
            for (PGNotification change : notifications.getNotifications(HEARTBEAT_MILLIS)) {
                cache.evict(change.getParameter());
            }
            cache.confirmCurrent(checkedAt);
        }
    }
}
