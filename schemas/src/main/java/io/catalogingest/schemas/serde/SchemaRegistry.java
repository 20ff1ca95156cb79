package io.catalogingest.schemas.serde;

import org.apache.avro.Schema;

/**
 * What the serdes need of a schema registry: a global id for a subject's schema, and the schema
 * behind an id. {@link SchemaRegistryClient} speaks the Confluent REST API to a real registry.
 */
public interface SchemaRegistry {
    /** Registers the schema under the subject (or finds it registered) and returns its global id. */
    int register(String subject, Schema schema);

    /** The writer schema with this global id. */
    Schema schemaById(int id);
}
