package io.catalogingest.workers.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.workers.MigratedDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog writer against real PostgreSQL: newest submission wins, whatever the arrival order. */
class CatalogWriterVersionGuardTest {
    private static Jdbi jdbi;

    @BeforeAll
    static void database() {
        jdbi = MigratedDatabase.jdbi();
    }

    private static ProductSubmitted submission(String merchant, String title, long acceptedAt) {
        return ProductSubmitted.newBuilder().setUploadId(UUID.randomUUID().toString()).setMerchantId(merchant)
                .setItemIndex(0).setSku("SKU-1").setTitle(title).setPrice(new BigDecimal("1.0000")).setCurrency("EUR")
                .setAttributes(Map.of()).setImages(List.of()).setAcceptedAt(Instant.ofEpochMilli(acceptedAt)).build();
    }

    private static String storedTitle(String merchant) {
        return jdbi.withHandle(h -> h.createQuery("SELECT title FROM products WHERE merchant_id = :m AND sku = 'SKU-1'")
                .bind("m", merchant).mapTo(String.class).one());
    }

    @Test
    void anOlderSubmissionArrivingLaterNeverOverwritesANewerOne() {
        String merchant = "m-" + UUID.randomUUID();
        CatalogWriter writer = new CatalogWriter(jdbi);
        writer.process(List.of(submission(merchant, "newer", 2_000)));
        var outcomes = writer.process(List.of(submission(merchant, "older (replayed)", 1_000)));

        assertThat(storedTitle(merchant)).isEqualTo("newer");
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.succeeded()).isTrue());
    }

    @Test
    void withinOneBatchTheNewestSubmissionWinsWhateverItsPosition() {
        String merchant = "m-" + UUID.randomUUID();
        new CatalogWriter(jdbi).process(List.of(submission(merchant, "newer", 2_000), submission(merchant, "older", 1_000)));
        assertThat(storedTitle(merchant)).isEqualTo("newer");
    }

    @Test
    void aRowTheDatabaseRefusesFailsAloneWithTheRestOfItsBatchApplied() {
        String merchant = "m-" + UUID.randomUUID();
        ProductSubmitted good = submission(merchant, "good", 1_000);
        ProductSubmitted bad = ProductSubmitted.newBuilder(submission(merchant, "bad", 1_000)).setSku("SKU-2")
                .setCurrency("EURO").build(); // four letters: too long for char(3)
        var outcomes = new CatalogWriter(jdbi).process(List.of(good, bad));

        assertThat(outcomes.get(0).succeeded()).isTrue();
        assertThat(outcomes.get(1).failure().code()).isEqualTo("INVALID_DATA");
        assertThat(outcomes.get(1).failure().isPermanent()).isTrue();
        assertThat(storedTitle(merchant)).isEqualTo("good");
    }

    @Test
    void textNeedingQuotesSurvivesTheCopyPath() {
        String merchant = "m-" + UUID.randomUUID();
        String title = "A \"quoted\", comma\nnew line and a \\ backslash";
        new CatalogWriter(jdbi).process(List.of(submission(merchant, title, 1_000)));
        assertThat(storedTitle(merchant)).isEqualTo(title);
    }

    @Test
    void aNewerSubmissionReplacesTheRowAndReprocessingIsIdempotent() {
        String merchant = "m-" + UUID.randomUUID();
        CatalogWriter writer = new CatalogWriter(jdbi);
        ProductSubmitted newer = submission(merchant, "newer", 2_000);
        writer.process(List.of(submission(merchant, "older", 1_000), newer));
        writer.process(List.of(newer));

        assertThat(storedTitle(merchant)).isEqualTo("newer");
        int rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM products WHERE merchant_id = :m")
                .bind("m", merchant).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(1);
    }
}
