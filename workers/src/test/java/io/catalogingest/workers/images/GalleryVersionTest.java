package io.catalogingest.workers.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.catalogingest.common.net.AddressPolicy;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.workers.MigratedDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image stage against real PostgreSQL and the local image origin: a product's gallery is the
 * newest submission's, whole, whatever order the submissions are processed in.
 */
class GalleryVersionTest {
    private static Jdbi jdbi;
    private static ImageFetcher fetcher;
    private static ImageWorker worker;
    /** The keys PUT to the store, in order. */
    private static final List<String> puts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void stage() {
        jdbi = MigratedDatabase.jdbi();
        fetcher = new ImageFetcher(new AddressPolicy(List.of("127.0.0.0/8")), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(30), 1 << 20, 0, 4);
        worker = new ImageWorker(fetcher, new ImageStore((key, contentType, bytes) -> puts.add(key), 50_000_000), jdbi);
    }

    @AfterAll
    static void close() throws Exception {
        fetcher.close();
    }

    private static ProductSubmitted submission(String merchant, long order, int images) {
        return submission(merchant, order, IntStream.range(0, images)
                .mapToObj(i -> DevStack.shared().imageOrigin.imageUrl(merchant + "-" + order + "-" + i)).toList());
    }

    private static ProductSubmitted submission(String merchant, long order, List<String> imageUrls) {
        List<ProductImage> gallery = IntStream.range(0, imageUrls.size()).mapToObj(i -> new ProductImage(imageUrls.get(i), i)).toList();
        return ProductSubmitted.newBuilder().setUploadId(UUID.randomUUID().toString()).setMerchantId(merchant).setItemIndex(0)
                .setSku("SKU-1").setTitle("t").setPrice(new BigDecimal("1.0000")).setCurrency("EUR").setAttributes(Map.of())
                .setImages(gallery).setAcceptedAt(Instant.EPOCH).setSubmissionOrder(order).build();
    }

    /** The gallery as stored: the source URL per position, in order. */
    private static List<String> gallery(String merchant) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT source_url FROM product_images WHERE merchant_id = :m AND sku = 'SKU-1' ORDER BY position")
                .bind("m", merchant).mapTo(String.class).list());
    }

    private static List<String> urls(ProductSubmitted p) {
        return p.getImages().stream().map(ProductImage::getUrl).toList();
    }

    @Test
    void anOlderSubmissionWithMoreImagesProcessedLastBringsNoneOfThemBack() throws Exception {
        String merchant = "m-" + UUID.randomUUID();
        ProductSubmitted older = submission(merchant, 10, 3);
        ProductSubmitted newer = submission(merchant, 20, 1);

        worker.process(List.of(newer));
        var outcomes = worker.process(List.of(older));

        assertThat(gallery(merchant)).isEqualTo(urls(newer));
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.succeeded()).as("superseded, not failed").isTrue());
    }

    /** Rows written before galleries were recorded (no gallery row): an older submission still cuts none of them. */
    @Test
    void anOlderSubmissionFindingNoGalleryRowLeavesNewerRowsWhole() throws Exception {
        String merchant = "m-" + UUID.randomUUID();
        for (int position = 0; position < 5; position++) {
            int p = position;
            jdbi.useHandle(h -> h.execute("""
                    INSERT INTO product_images (merchant_id, sku, position, source_url, sha256, object_key, content_type,
                                                size_bytes, width, height, version, updated_at)
                    VALUES (?, 'SKU-1', ?, ?, 'x', 'k', 'image/png', 1, 1, 1, 20, now())""", merchant, p, "newer-" + p));
        }

        worker.process(List.of(submission(merchant, 10, 3)));

        assertThat(gallery(merchant)).containsExactly("newer-0", "newer-1", "newer-2", "newer-3", "newer-4");
    }

    @Test
    void aNewerSubmissionReplacesTheWholeGalleryAndOneWithoutImagesEmptiesIt() throws Exception {
        String merchant = "m-" + UUID.randomUUID();
        ProductSubmitted first = submission(merchant, 10, 3);
        ProductSubmitted second = submission(merchant, 20, 2);

        worker.process(List.of(first));
        assertThat(gallery(merchant)).isEqualTo(urls(first));
        worker.process(List.of(second));
        assertThat(gallery(merchant)).isEqualTo(urls(second));
        worker.process(List.of(first)); // redelivered late
        assertThat(gallery(merchant)).isEqualTo(urls(second));
        worker.process(List.of(submission(merchant, 30, 0)));
        assertThat(gallery(merchant)).isEmpty();
    }

    @Test
    void imagesTheGalleryAlreadyHoldsAreNotSentToTheStoreAgain() throws Exception {
        String merchant = "m-" + UUID.randomUUID();
        ProductSubmitted first = submission(merchant, 10, 2);
        worker.process(List.of(first));
        int before = puts.size();

        String added = DevStack.shared().imageOrigin.imageUrl(merchant + "-added");
        List<String> resent = new java.util.ArrayList<>(urls(first));
        resent.add(added);
        worker.process(List.of(submission(merchant, 20, resent)));

        assertThat(puts.subList(before, puts.size())).as("only the image the gallery did not hold").hasSize(1);
        assertThat(gallery(merchant)).isEqualTo(resent);
    }
}
