package io.catalogingest.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import io.catalogingest.common.db.MerchantDao;
import io.catalogingest.common.db.Migrations;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.devstack.TcpRelay;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Key changes against real PostgreSQL, each service instance played by its own cache and listener.
 * The caches' clocks stand still, so a cache never stops answering for want of heartbeats: a key
 * refused or accepted after a change was evicted by the change's announcement.
 */
class ApiKeyChangeListenerTest {
    private static final Duration PROMISE = ApiKeyCache.MAX_STALENESS;
    private static final Duration START = Duration.ofSeconds(10);

    private static Jdbi jdbi;
    private final List<ApiKeyChangeListener> listeners = new ArrayList<>();

    @BeforeAll
    static void database() {
        Migrations.migrate(connectionsTo(DevStack.shared().database.port()));
        jdbi = Jdbi.create(connectionsTo(DevStack.shared().database.port())).installPlugins();
    }

    private static DataSource connectionsTo(int port) {
        PGSimpleDataSource connections = new PGSimpleDataSource();
        connections.setUrl(EmbeddedDatabase.jdbcUrl(port));
        connections.setUser(EmbeddedDatabase.USER);
        connections.setPassword(EmbeddedDatabase.PASSWORD);
        return connections;
    }

    @AfterEach
    void stopListeners() throws Exception {
        for (ApiKeyChangeListener listener : listeners) {
            listener.stop();
        }
    }

    /** A cache whose listener connects on {@code port} and listens already. */
    private ApiKeyCache listeningCache(MetricRegistry metrics, int port) {
        ApiKeyCache cache = new ApiKeyCache(metrics, () -> 0L);
        ApiKeyChangeListener listener = new ApiKeyChangeListener(cache, connectionsTo(port));
        listeners.add(listener);
        listener.start();
        await().atMost(START).until(cache::isCurrent);
        return cache;
    }

    private ApiKeyCache listeningCache(MetricRegistry metrics) {
        return listeningCache(metrics, DevStack.shared().database.port());
    }

    private static String merchantWithKey() {
        String merchantId = "m-" + UUID.randomUUID();
        return MerchantAuth.createMerchantWithKey(jdbi, merchantId, "Keys Ltd", Merchant.MERCHANT);
    }

    private static void revoke(String key) {
        int revoked = jdbi.withExtension(MerchantDao.class, dao -> dao.revoke(ApiKeys.prefix(key)));
        assertThat(revoked).isEqualTo(1);
    }

    private static long hits(MetricRegistry metrics) {
        return metrics.meter("api-key-cache.hits").getCount();
    }

    @Test
    void aRevokedKeyIsRefusedWithinASecondByEveryInstanceThatHadItCached() {
        String key = merchantWithKey();
        MetricRegistry firstMetrics = new MetricRegistry();
        MetricRegistry secondMetrics = new MetricRegistry();
        MerchantAuth first = new MerchantAuth(jdbi, listeningCache(firstMetrics));
        MerchantAuth second = new MerchantAuth(jdbi, listeningCache(secondMetrics));
        for (MerchantAuth instance : List.of(first, second, first, second)) {
            assertThat(instance.authenticate(key)).isPresent();
        }
        assertThat(hits(firstMetrics)).isEqualTo(1);
        assertThat(hits(secondMetrics)).isEqualTo(1);

        revoke(key);
        await().atMost(PROMISE).pollInterval(Duration.ofMillis(10))
                .until(() -> first.authenticate(key).isEmpty() && second.authenticate(key).isEmpty());
    }

    @Test
    void aNewKeyWorksAtOnceAfterItWasRefusedAsUnknown() {
        String merchantId = "m-" + UUID.randomUUID();
        jdbi.useExtension(MerchantDao.class, dao -> dao.createMerchant(merchantId, "New Key Ltd"));
        String key = ApiKeys.generate();
        MetricRegistry metrics = new MetricRegistry();
        MerchantAuth auth = new MerchantAuth(jdbi, listeningCache(metrics));
        assertThat(auth.authenticate(key)).isEmpty();
        assertThat(auth.authenticate(key)).isEmpty();
        assertThat(hits(metrics)).as("remembered as unknown").isEqualTo(1);

        jdbi.useExtension(MerchantDao.class,
                dao -> dao.addApiKey(merchantId, ApiKeys.prefix(key), ApiKeys.hash(key), Merchant.MERCHANT));
        await().atMost(PROMISE).pollInterval(Duration.ofMillis(10))
                .until(() -> auth.authenticate(key).equals(Optional.of(new Merchant(merchantId, Merchant.MERCHANT))));
    }

    @Test
    void whileItsConnectionIsDownTheCacheIsDroppedAndKeysAreReadFromTheDatabase() throws Exception {
        String key = merchantWithKey();
        try (TcpRelay relay = new TcpRelay(DevStack.shared().database.port())) {
            MetricRegistry metrics = new MetricRegistry();
            ApiKeyCache cache = listeningCache(metrics, relay.port());
            HealthCheck health = new ApiKeyInvalidationHealthCheck(cache);
            MerchantAuth auth = new MerchantAuth(jdbi, cache);
            auth.authenticate(key);
            assertThat(auth.authenticate(key)).isPresent();
            assertThat(hits(metrics)).isEqualTo(1);
            assertThat(health.execute().isHealthy()).isTrue();

            relay.cut();
            await().atMost(START).until(() -> !cache.isCurrent());
            assertThat(health.execute().isHealthy()).isFalse();
            revoke(key); // announced while this listener cannot hear it
            assertThat(auth.authenticate(key)).isEmpty();

            relay.restore();
            await().atMost(START).until(cache::isCurrent);
            assertThat(health.execute().isHealthy()).isTrue();
            assertThat(auth.authenticate(key)).isEmpty();
            assertThat(hits(metrics)).isEqualTo(1);
        }
    }
}
