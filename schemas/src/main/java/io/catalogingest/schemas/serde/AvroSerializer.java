package io.catalogingest.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.catalogingest.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes record values in the Confluent wire format, registering schemas under TopicNameStrategy.
 * Writers are made once per schema, not per record: this runs for every record produced.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {
    private final SchemaRegistry registry;
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    public AvroSerializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int id = registry.register(Topics.valueSubject(topic), record.getSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.computeIfAbsent(record.getSchema(), schema -> new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema)))
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + record.getSchema().getFullName() + " for " + topic, e);
        }
        return out.toByteArray();
    }
}
