package io.catalogingest.status.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The fold's store records as it writes and reads them. The stores and their changelogs outlive a
 * deployment: what an older version stored must still read, with the fields it did not know at
 * their defaults.
 */
class StoreSerdesTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void progressRoundTripsWithEveryField() {
        UploadProgress p = UploadProgress.newBuilder().setUploadId("u1").setMerchantId("m1").setTotalItems(3)
                .setAcceptedAt(T0).setSucceeded(1).setFailed(2).setRefused(1).setCatalogSucceeded(1).setCatalogFailed(1)
                .setImagesSucceeded(1).setImagesFailed(2).setSkipped(2).setStartedAt(T0.plusSeconds(1))
                .setCompletedAt(T0.plusSeconds(2)).setCancelRefusedAt(T0.plusSeconds(3)).setExpiresAt(T0.plusSeconds(4)).build();
        Serde<UploadProgress> serde = StoreSerdes.progress();

        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", p))).isEqualTo(p);
    }

    /** Acceptance: progress stored by the version before skips and expiresAt (commit 9b87fe2) still reads. */
    @Test
    void progressStoredByThePreviousSchemaReadsWithTheNewFieldsAtTheirDefaults() throws IOException {
        Schema previous;
        try (InputStream in = StoreSerdesTest.class.getResourceAsStream("UploadProgress-9b87fe2.avsc")) {
            previous = new Schema.Parser().parse(in);
        }
        GenericRecord stored = new GenericData.Record(previous);
        stored.put("uploadId", "u1");
        stored.put("merchantId", "m1");
        stored.put("totalItems", 2);
        stored.put("acceptedAt", T0.toEpochMilli());
        stored.put("succeeded", 1);
        stored.put("failed", 1);
        stored.put("refused", 0);
        stored.put("catalogSucceeded", 2);
        stored.put("catalogFailed", 0);
        stored.put("imagesSucceeded", 1);
        stored.put("imagesFailed", 1);
        stored.put("startedAt", T0.plusSeconds(1).toEpochMilli());
        stored.put("completedAt", T0.plusSeconds(2).toEpochMilli());
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), previous).encode(stored);
        byte[] value = new byte[bytes.remaining()];
        bytes.get(value);

        UploadProgress read = StoreSerdes.progress().deserializer().deserialize("t", value);

        assertThat(read).isEqualTo(UploadProgress.newBuilder().setUploadId("u1").setMerchantId("m1").setTotalItems(2)
                .setAcceptedAt(T0).setSucceeded(1).setFailed(1).setCatalogSucceeded(2).setImagesSucceeded(1).setImagesFailed(1)
                .setStartedAt(T0.plusSeconds(1)).setCompletedAt(T0.plusSeconds(2)).build());
        assertThat(read.getSkipped()).isZero();
        assertThat(read.getExpiresAt()).isNull();
    }
}
