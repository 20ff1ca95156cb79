package io.catalogingest.schemas.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema registry in memory, for unit tests of code that reads and writes the wire format
 * without a registry process. Ids are global and stable per (subject, schema) within an instance.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);

    @Override
    public int register(String subject, Schema schema) {
        return ids.computeIfAbsent(subject + "\n" + schema, k -> {
            int id = nextId.getAndIncrement();
            schemas.put(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SerializationException("no schema with id " + id);
        }
        return schema;
    }
}
