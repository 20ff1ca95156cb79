package io.catalogingest.status.resources;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.ServiceBootstrap;
import io.catalogingest.common.auth.ApiKeys;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.MerchantDao;
import io.catalogingest.status.StatusServiceApplication;
import io.catalogingest.status.StatusServiceConfiguration;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.testing.junit5.ResourceExtension;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.extension.ExtensionFactory;
import org.jdbi.v3.core.extension.HandleSupplier;

/**
 * What every status resource runs behind: the service's JSON mapper, error mapping and API-key
 * authentication, installed by the same calls as in production. Keys are looked up in memory
 * instead of PostgreSQL; the hashing and the 401 answers are the real ones.
 */
final class ServiceWiring {
    static final String M1 = "m1";
    static final String M2 = "m2";
    static final String M1_KEY = "cik_key-of-merchant-one";
    static final String M2_KEY = "cik_key-of-merchant-two";
    static final String ADMIN_KEY = "cik_key-of-an-operator";

    static final ObjectMapper JSON = json();

    private static final Map<String, Merchant> MERCHANTS_BY_KEY_HASH = Map.of(
            ApiKeys.hash(M1_KEY), new Merchant(M1, Merchant.MERCHANT),
            ApiKeys.hash(M2_KEY), new Merchant(M2, Merchant.MERCHANT),
            ApiKeys.hash(ADMIN_KEY), new Merchant("ops", Merchant.ADMIN));

    private ServiceWiring() {}

    static String bearer(String key) {
        return "Bearer " + key;
    }

    /** A resource builder with the service's error mapping and merchant authentication already registered. */
    static ResourceExtension.Builder resources() {
        Environment environment = new Environment("status-service");
        Set<Object> defaults = Set.copyOf(environment.jersey().getResourceConfig().getInstances());
        ServiceBootstrap.run(environment);
        MerchantAuth.install(environment, keyTable(), unusedDatabase());
        ResourceExtension.Builder builder = ResourceExtension.builder().setMapper(JSON);
        environment.jersey().getResourceConfig().getInstances().stream()
                .filter(provider -> !defaults.contains(provider))
                .forEach(builder::addProvider);
        return builder;
    }

    private static ObjectMapper json() {
        Bootstrap<StatusServiceConfiguration> bootstrap = new Bootstrap<>(new StatusServiceApplication());
        ServiceBootstrap.initialize(bootstrap);
        return bootstrap.getObjectMapper();
    }

    /** The key cache's listener is never started here, so every request reads its key from keyTable(). */
    private static DataSourceFactory unusedDatabase() {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:postgresql://127.0.0.1/never-connected");
        return database;
    }

    /** A Jdbi whose MerchantDao answers from memory; any attempt to reach a database fails. */
    private static Jdbi keyTable() {
        Jdbi jdbi = Jdbi.create(() -> {
            throw new SQLException("API keys are held in memory here");
        });
        jdbi.registerExtension(new ExtensionFactory() {
            @Override
            public boolean accepts(Class<?> extensionType) {
                return extensionType == MerchantDao.class;
            }

            @Override
            public <E> E attach(Class<E> extensionType, HandleSupplier handleSupplier) {
                return extensionType.cast(new InMemoryMerchants());
            }

            // The instance as it is: a proxy would run the interface's SQL annotations instead.
            @Override
            public Set<FactoryFlag> getFactoryFlags() {
                return EnumSet.of(FactoryFlag.NON_VIRTUAL_FACTORY, FactoryFlag.DONT_USE_PROXY);
            }
        });
        return jdbi;
    }

    private static final class InMemoryMerchants implements MerchantDao {
        @Override
        public Optional<Merchant> findByKeyHash(String hash) {
            return Optional.ofNullable(MERCHANTS_BY_KEY_HASH.get(hash));
        }

        @Override
        public void createMerchant(String merchantId, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addApiKey(String merchantId, String prefix, String hash, String role) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean merchantExists(String merchantId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ApiKeyInfo> listKeys(String merchantId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int revoke(String prefix) {
            throw new UnsupportedOperationException();
        }
    }
}
