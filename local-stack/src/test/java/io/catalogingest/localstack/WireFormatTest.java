package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Raw records on every topic are in the Confluent wire format, with ids the registry resolves. */
class WireFormatTest {
    @Test
    void everyTopicCarriesMagicByteAndARegisteredSchemaId() throws Exception {
        LocalStack stack = Pipeline.stack();
        String key = stack.createMerchant("m-wire-" + UUID.randomUUID(), "Wire");
        String body = "[{\"sku\":\"W-1\",\"title\":\"Wire\",\"price\":1.5,\"currency\":\"EUR\",\"images\":[\""
                + Pipeline.infra().imageOrigin.imageUrl("wire") + "\"]}]";
        Pipeline.Reply accepted = Pipeline.upload(key, "application/json", body);
        assertThat(accepted.status()).isEqualTo(202);
        String uploadId = accepted.body().path("uploadId").asText();
        String statusUrl = accepted.body().path("statusUrl").asText();
        await().atMost(Duration.ofMinutes(1)).until(() -> "DONE".equals(Pipeline.get(statusUrl, key).body().path("status").asText()));

        assertWireFormat(Topics.PRODUCTS, ProductSubmitted.getClassSchema(), r -> true);
        assertWireFormat(Topics.UPLOADS, UploadAccepted.getClassSchema(), r -> true);
        // Outcomes of this upload only: other tests put poison on the outcomes topic on purpose.
        // Nothing writes the old per-item results topic any more, so it is not looked at.
        assertWireFormat(Topics.OUTCOMES, ItemOutcomes.getClassSchema(), r -> uploadId.equals(r.key()));
    }

    private static void assertWireFormat(String topic, Schema expected, Predicate<ConsumerRecord<String, byte[]>> which)
            throws Exception {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readCommitted(topic).stream().filter(which).toList();
        assertThat(records).as(topic).isNotEmpty();
        for (ConsumerRecord<String, byte[]> r : records) {
            assertThat(r.value()[0]).as("magic byte on " + topic).isZero();
        }
        int id = ByteBuffer.wrap(records.get(records.size() - 1).value(), 1, 4).getInt();
        HttpResponse<String> registered = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(Pipeline.infra().registry.url() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);
        Schema schema = new Schema.Parser().parse(Pipeline.JSON.readTree(registered.body()).path("schema").asText());
        assertThat(schema).as(topic).isEqualTo(expected);
    }
}
