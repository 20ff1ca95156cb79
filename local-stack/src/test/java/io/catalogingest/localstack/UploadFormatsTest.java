package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import io.catalogingest.schemas.ProductSubmitted;
import org.junit.jupiter.api.Test;

/** Every documented body format reaches Kafka as the same products. */
class UploadFormatsTest {
    private static final String NDJSON = """
            {"sku":"N-1","title":"One","price":1.5,"currency":"EUR","attributes":{"colour":"red"}}

            {"sku":"N-2","title":"Two","price":2,"currency":"USD","images":["http://127.0.0.1/a.png"]}
            """;

    private static List<ProductSubmitted> sorted(String merchant) {
        return TopicReader.products(merchant).stream().sorted(Comparator.comparing(ProductSubmitted::getItemIndex)).toList();
    }

    private static String merchantKey(String merchant) {
        return Pipeline.stack().createMerchant(merchant, merchant);
    }

    @Test
    void ndjsonWithABlankLineAndABadLineRefusesOnlyThatLine() {
        String merchant = "m-ndjson-" + UUID.randomUUID();
        String body = NDJSON + "{\"sku\":\"N-3\",\"title\":\n";
        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), merchantKey(merchant), "application/x-ndjson",
                body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("totalItems").asInt()).isEqualTo(3);
        assertThat(r.body().path("refusedItems").asInt()).isEqualTo(1);
        assertThat(r.body().path("errors").findValuesAsText("code")).containsOnly("ITEM_MALFORMED");
        List<ProductSubmitted> products = sorted(merchant);
        assertThat(products).extracting(ProductSubmitted::getSku).containsExactly("N-1", "N-2");
        assertThat(products.get(0).getAttributes()).isEqualTo(Map.of("colour", "red"));
        assertThat(products.get(1).getImages()).hasSize(1);
    }

    @Test
    void csvWithQuotedNewlinesImagesAndAttributeColumns() {
        String merchant = "m-csv-" + UUID.randomUUID();
        String csv = "\uFEFFsku,title,description,price,currency,images,attr.colour,attr.size\r\n"
                + "C-1,Mug,\"Line one\nline two, with comma\",9.90,EUR,http://127.0.0.1/1.png|http://127.0.0.1/2.png,blue,L\r\n"
                + "C-2,Cup,,3,EUR,,,\r\n"
                + "C-3,Bad price,,cheap,EUR,,,\r\n";
        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), merchantKey(merchant), "text/csv; charset=utf-8",
                csv.getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("refusedItems").asInt()).isEqualTo(1);
        assertThat(r.body().path("errors").get(0).path("code").asText()).isEqualTo("PRICE_INVALID");
        List<ProductSubmitted> products = sorted(merchant);
        assertThat(products).extracting(ProductSubmitted::getSku).containsExactly("C-1", "C-2");
        ProductSubmitted mug = products.get(0);
        assertThat(mug.getDescription()).isEqualTo("Line one\nline two, with comma");
        assertThat(mug.getImages()).extracting(i -> i.getUrl()).containsExactly("http://127.0.0.1/1.png", "http://127.0.0.1/2.png");
        assertThat(mug.getAttributes()).isEqualTo(Map.of("colour", "blue", "size", "L"));
        assertThat(mug.getPrice()).isEqualByComparingTo("9.90");
        assertThat(products.get(1).getAttributes()).isEmpty();
    }

    @Test
    void gzipEncodedBodiesAreDecompressedOnTheFly() throws IOException {
        String merchant = "m-gzip-" + UUID.randomUUID();
        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), merchantKey(merchant), "application/x-ndjson",
                gzip(NDJSON), "Content-Encoding", "gzip");

        assertThat(r.status()).isEqualTo(202);
        assertThat(sorted(merchant)).extracting(ProductSubmitted::getSku).containsExactly("N-1", "N-2");
    }

    @Test
    void aMultipartFileFieldIsReadByItsTypeOrName() throws IOException {
        String merchant = "m-multipart-" + UUID.randomUUID();
        Pipeline.Reply r = uploadFile(merchantKey(merchant), "catalog.ndjson.gz", "application/octet-stream", gzip(NDJSON));

        assertThat(r.status()).isEqualTo(202);
        assertThat(sorted(merchant)).extracting(ProductSubmitted::getSku).containsExactly("N-1", "N-2");
    }

    @Test
    void aMultipartCsvFileAsCurlSendsIt() throws IOException {
        String merchant = "m-multipart-csv-" + UUID.randomUUID();
        byte[] csv = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("../ops/samples", "catalog.csv"));
        Pipeline.Reply r = uploadFile(merchantKey(merchant), "catalog.csv", "text/csv", csv);

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("refusedItems").asInt()).isZero();
        assertThat(TopicReader.products(merchant)).hasSize(20);
    }

    @Test
    void duplicateSkusWithinOneUploadAreRefusedAfterTheFirst() {
        String merchant = "m-dup-" + UUID.randomUUID();
        String body = "{\"sku\":\"D\",\"title\":\"first\",\"price\":1,\"currency\":\"EUR\"}\n"
                + "{\"sku\":\"D\",\"title\":\"second\",\"price\":1,\"currency\":\"EUR\"}\n";
        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), merchantKey(merchant), "application/x-ndjson",
                body.getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("errors").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(r.body().path("errors").get(0).path("code").asText()).isEqualTo("DUPLICATE_SKU");
        assertThat(sorted(merchant)).extracting(ProductSubmitted::getTitle).containsExactly("first");
    }

    @Test
    void theSamplesInTheRepositoryAreAcceptedWhole() throws IOException {
        String key = merchantKey("m-samples-" + UUID.randomUUID());
        for (String[] sample : new String[][] {{"catalog.json", "application/json"}, {"catalog.ndjson", "application/x-ndjson"},
                {"catalog.csv", "text/csv"}}) {
            byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("../ops/samples", sample[0]));
            Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), key, sample[1], body);
            assertThat(r.status()).as(sample[0]).isEqualTo(202);
            assertThat(r.body().path("refusedItems").asInt()).as(sample[0]).isZero();
        }
    }

    /** A multipart form with the catalog as its {@code file} field, as browsers and curl -F send it. */
    private static Pipeline.Reply uploadFile(String key, String fileName, String contentType, byte[] content) throws IOException {
        String boundary = "----catalog" + UUID.randomUUID();
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.write(content);
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return Pipeline.upload(Pipeline.uploadsUrl(), key, "multipart/form-data; boundary=" + boundary, form.toByteArray());
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
