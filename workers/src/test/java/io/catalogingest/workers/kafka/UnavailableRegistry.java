package io.catalogingest.workers.kafka;

import java.util.concurrent.atomic.AtomicInteger;

import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.avro.Schema;

/**
 * A schema registry that cannot answer look-ups for a while, as {@link SchemaRegistryClient} reports
 * an outage (unreachable, 5xx, 429): the next {@link #outage} look-ups throw its
 * {@link SchemaRegistryClient.UnavailableException}; after that, and for registrations, the
 * registry behind answers.
 */
final class UnavailableRegistry implements SchemaRegistry {
    private final SchemaRegistry registry;
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    UnavailableRegistry(SchemaRegistry registry) {
        this.registry = registry;
    }

    /** The next {@code lookups} look-ups fail as an outage. */
    void outage(int lookups) {
        unanswered.set(lookups);
    }

    /** How many look-ups failed so far. */
    int refused() {
        return refused.get();
    }

    @Override
    public int register(String subject, Schema schema) {
        return registry.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        if (unanswered.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            refused.incrementAndGet();
            throw new SchemaRegistryClient.UnavailableException("schema registry refused to look up schema " + id + ": HTTP 503",
                    null);
        }
        return registry.schemaById(id);
    }
}
