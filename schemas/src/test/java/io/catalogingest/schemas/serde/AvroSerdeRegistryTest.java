package io.catalogingest.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.catalogingest.devstack.DevStack;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The serdes against the real registry (Apicurio's Confluent-compatible API). */
class AvroSerdeRegistryTest {
    private final String registryUrl = DevStack.shared().registry.url();

    private static ProductSubmitted product() {
        return ProductSubmitted.newBuilder()
                .setUploadId(UUID.randomUUID().toString()).setMerchantId("m1").setItemIndex(7).setSku("SKU-7")
                .setTitle("Kettle").setDescription("1.7 l").setPrice(new BigDecimal("24.9900")).setCurrency("EUR")
                .setAttributes(Map.of("colour", "red"))
                .setImages(List.of(new ProductImage("http://127.0.0.1/a.png", 0)))
                .setAcceptedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    }

    @Test
    void writesTheConfluentWireFormatWithAnIdTheRegistryResolves() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String topic = "serde-test-" + UUID.randomUUID();
        ProductSubmitted product = product();
        byte[] bytes = new AvroSerializer<ProductSubmitted>(client).serialize(topic, product);

        assertThat(bytes[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Schema resolved = new SchemaRegistryClient(registryUrl).schemaById(id);
        assertThat(resolved).isEqualTo(ProductSubmitted.getClassSchema());

        ProductSubmitted back = new AvroDeserializer<>(new SchemaRegistryClient(registryUrl), ProductSubmitted.class)
                .deserialize(topic, bytes);
        assertThat(back).isEqualTo(product);
    }

    @Test
    void anyRecordDeserializerReturnsTheWritersGeneratedClass() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String topic = "serde-test-" + UUID.randomUUID();
        ItemProcessed result = ItemProcessed.newBuilder().setUploadId("u").setItemIndex(1).setSku("s")
                .setStage(Stage.IMAGES).setOutcome(Outcome.FAILED).setErrorCode("IMAGE_NOT_FOUND")
                .setProcessedAt(Instant.ofEpochMilli(5)).build();
        SpecificRecord back = AvroDeserializer.anyRecord(client)
                .deserialize(topic, new AvroSerializer<ItemProcessed>(client).serialize(topic, result));
        assertThat(back).isInstanceOf(ItemProcessed.class).isEqualTo(result);
    }

    @Test
    void readsRecordsWrittenWithAnOlderCompatibleSchema() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String topic = "serde-test-" + UUID.randomUUID();
        // An older ItemProcessed without the optional error fields and attempt.
        Schema stage = Stage.getClassSchema();
        Schema outcome = Outcome.getClassSchema();
        Schema older = SchemaBuilder.record("ItemProcessed").namespace("io.catalogingest.schemas").fields()
                .requiredString("uploadId").requiredInt("itemIndex").requiredString("sku")
                .name("stage").type(stage).noDefault().name("outcome").type(outcome).noDefault()
                .name("processedAt").type(ItemProcessed.getClassSchema().getField("processedAt").schema()).noDefault()
                .endRecord();
        GenericRecord old = new GenericData.Record(older);
        old.put("uploadId", "u1");
        old.put("itemIndex", 3);
        old.put("sku", "s3");
        old.put("stage", new GenericData.EnumSymbol(stage, "CATALOG"));
        old.put("outcome", new GenericData.EnumSymbol(outcome, "SUCCEEDED"));
        old.put("processedAt", 42L);

        byte[] bytes = new AvroSerializer<GenericRecord>(client).serialize(topic, old);
        ItemProcessed read = new AvroDeserializer<>(client, ItemProcessed.class).deserialize(topic, bytes);

        assertThat(read.getSku()).isEqualTo("s3");
        assertThat(read.getAttempt()).isEqualTo(1);
        assertThat(read.getErrorCode()).isNull();
    }

    @Test
    void theRegistryRefusesAnIncompatibleSchemaForTheSameSubject() {
        SchemaRegistryClient client = new SchemaRegistryClient(registryUrl);
        String topic = "serde-test-" + UUID.randomUUID();
        new AvroSerializer<ProductSubmitted>(client).serialize(topic, product());
        // A new required field without a default breaks BACKWARD compatibility.
        Schema incompatible = SchemaBuilder.record("ProductSubmitted").namespace("io.catalogingest.schemas").fields()
                .requiredString("somethingNew").endRecord();
        GenericRecord record = new GenericData.Record(incompatible);
        record.put("somethingNew", "x");

        assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(client).serialize(topic, record))
                .isInstanceOf(SerializationException.class).hasMessageContaining("409");
    }

    @Test
    void refusesBytesThatAreNotTheWireFormat() {
        assertThatThrownBy(() -> new AvroDeserializer<>(new SchemaRegistryClient(registryUrl), ItemProcessed.class)
                .deserialize(Topics.RESULTS, new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void clientsRegisteringANewSubjectAtOnceAllGetItsId() throws Exception {
        for (int round = 0; round < 10; round++) {
            registerAtOnce("race-" + java.util.UUID.randomUUID() + "-value", 16);
        }
    }

    private void registerAtOnce(String subject, int clients) throws Exception {
        Schema schema = ProductSubmitted.getClassSchema();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Integer>> ids = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            ids.add(pool.submit(() -> {
                start.await();
                return new SchemaRegistryClient(registryUrl).register(subject, schema);
            }));
        }
        start.countDown();
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        for (java.util.concurrent.Future<Integer> id : ids) {
            distinct.add(id.get());
        }
        pool.shutdown();
        assertThat(distinct).hasSize(1);
    }
}
