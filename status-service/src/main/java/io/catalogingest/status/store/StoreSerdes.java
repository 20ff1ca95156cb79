package io.catalogingest.status.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the fold's private store records: Avro single-object encoding (a schema fingerprint,
 * then the binary record). The stores are the fold's own, so they need no registry: reading and
 * writing state is never held up by one. A later schema version adds the older schemas to its
 * decoder to read what an older version stored.
 */
public final class StoreSerdes {
    private StoreSerdes() {}

    public static Serde<UploadProgress> progress() {
        BinaryMessageDecoder<UploadProgress> decoder = UploadProgress.getDecoder();
        decoder.addSchema(previous("UploadProgress-v1.avsc"));
        return of(UploadProgress.getEncoder(), decoder);
    }

    /** A schema an older version stored records with, kept beside this class. */
    private static org.apache.avro.Schema previous(String resource) {
        try (java.io.InputStream in = StoreSerdes.class.getResourceAsStream(resource)) {
            return new org.apache.avro.Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Serde<ItemChunk> chunks() {
        return of(ItemChunk.getEncoder(), ItemChunk.getDecoder());
    }

    public static Serde<StoredFailure> failures() {
        return of(StoredFailure.getEncoder(), StoredFailure.getDecoder());
    }

    private static <T> Serde<T> of(BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteBuffer bytes = encoder.encode(value);
                byte[] array = new byte[bytes.remaining()];
                bytes.get(array);
                return array;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return decoder.decode(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
