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
        return of(UploadProgress.getEncoder(), UploadProgress.getDecoder());
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
