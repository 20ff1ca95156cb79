package io.catalogingest.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes for Kafka Streams, sharing one registry. */
public final class AvroSerdes {
    private AvroSerdes() {}

    public static <T extends SpecificRecord> Serde<T> of(SchemaRegistry registry, Class<T> type) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry), new AvroDeserializer<>(registry, type));
    }

    public static Serde<SpecificRecord> anyRecord(SchemaRegistry registry) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry), AvroDeserializer.anyRecord(registry));
    }
}
