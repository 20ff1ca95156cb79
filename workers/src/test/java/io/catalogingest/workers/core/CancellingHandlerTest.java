package io.catalogingest.workers.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import org.junit.jupiter.api.Test;

class CancellingHandlerTest {
    private final List<ProductSubmitted> applied = new ArrayList<>();
    private final List<Set<String>> asked = new ArrayList<>();

    private final StageHandler stage = new StageHandler() {
        @Override
        public Stage stage() {
            return Stage.CATALOG;
        }

        @Override
        public List<ItemOutcome> process(List<ProductSubmitted> batch) {
            applied.addAll(batch);
            return batch.stream().map(ItemOutcome::applied).toList();
        }
    };

    private static ProductSubmitted product(String upload, int index) {
        return ProductSubmitted.newBuilder().setUploadId(upload).setMerchantId("m").setItemIndex(index).setSku("s" + index)
                .setTitle("t").setPrice(new BigDecimal("1.0000")).setCurrency("EUR").setAcceptedAt(Instant.EPOCH).build();
    }

    @Test
    void itemsOfCancelledUploadsAreSkippedAndTheRestAppliedInBatchOrder() throws Exception {
        AtomicLong nanos = new AtomicLong();
        CancellingHandler handler = new CancellingHandler(stage, ids -> {
            asked.add(ids);
            return Set.of("gone");
        }, nanos::get);
        List<ProductSubmitted> batch = List.of(product("live", 0), product("gone", 0), product("live", 1), product("gone", 1));
        List<ItemOutcome> outcomes = handler.process(batch);

        assertThat(outcomes).extracting(o -> o.product().getUploadId() + "/" + o.product().getItemIndex() + ":" + o.cancelled())
                .containsExactly("live/0:false", "gone/0:true", "live/1:false", "gone/1:true");
        assertThat(outcomes.get(1).succeeded()).isFalse();
        assertThat(applied).extracting(ProductSubmitted::getUploadId).containsOnly("live");

        nanos.addAndGet(CancellingHandler.REMEMBER.toNanos() - 1);
        handler.process(List.of(product("live", 2)));
        assertThat(asked).as("answers are remembered briefly").containsExactly(Set.of("live", "gone"));

        // Then asked again, so a cancellation reaches an upload already being worked on.
        nanos.addAndGet(1);
        handler.process(List.of(product("live", 3)));
        assertThat(asked).containsExactly(Set.of("live", "gone"), Set.of("live"));
    }
}
