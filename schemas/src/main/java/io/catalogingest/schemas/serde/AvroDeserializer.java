package io.catalogingest.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format. The writer schema comes from the registry by id and is resolved
 * against the reader class's schema, so records written with an older compatible schema still read.
 * Without a reader class the writer schema's own generated class is used ({@link #anyRecord}).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistry registry;
    private final Class<T> readerClass;
    private final Map<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();

    public AvroDeserializer(SchemaRegistry registry, Class<T> readerClass) {
        this.registry = registry;
        this.readerClass = readerClass;
    }

    /** A deserializer for topics that carry several record types (e.g. the status fold's input). */
    public static AvroDeserializer<SpecificRecord> anyRecord(SchemaRegistry registry) {
        return new AvroDeserializer<>(registry, null);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        if (data.length < WireFormat.HEADER_LENGTH || buffer.get() != WireFormat.MAGIC) {
            throw new SerializationException("record on " + topic + " is not in the Confluent wire format");
        }
        int id = buffer.getInt();
        try {
            return readersById.computeIfAbsent(id, this::reader).read(null,
                    DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read record with schema id " + id + " on " + topic, e);
        }
    }

    private DatumReader<T> reader(int id) {
        Schema writer = registry.schemaById(id);
        if (readerClass == null) {
            // Read into the writer's record type as this build knows it: an older writer schema
            // resolves against the current generated class, never into it by position.
            SpecificData model = SpecificData.getForSchema(writer);
            Class<?> generated = model.getClass(writer);
            if (generated == null) {
                throw new SerializationException("no generated class for record " + writer.getFullName());
            }
            return new SpecificDatumReader<>(writer, model.getSchema(generated), model);
        }
        SpecificData model = SpecificData.getForClass(readerClass);
        return new SpecificDatumReader<>(writer, model.getSchema(readerClass), model);
    }
}
