package io.catalogingest.common;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.catalogingest.common.kafka.KafkaFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** What every service reads from its YAML: the database and Kafka. */
public class CatalogConfiguration extends Configuration {
    @Valid
    @NotNull
    @JsonProperty
    private DataSourceFactory database = new DataSourceFactory();

    @Valid
    @NotNull
    @JsonProperty
    private KafkaFactory kafka = new KafkaFactory();

    /** Run Flyway migrations at start-up; turn off where a deploy step migrates instead. */
    @JsonProperty
    private boolean migrateOnStart = true;

    public DataSourceFactory getDatabase() {
        return database;
    }

    public KafkaFactory getKafka() {
        return kafka;
    }

    public boolean isMigrateOnStart() {
        return migrateOnStart;
    }
}
