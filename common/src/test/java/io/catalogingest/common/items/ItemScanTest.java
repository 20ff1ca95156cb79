package io.catalogingest.common.items;

import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.open;
import static io.catalogingest.common.items.UploadBodies.product;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;

import io.catalogingest.common.api.Problem;
import org.junit.jupiter.api.Test;

class ItemScanTest {
    @Test
    void anItemWithAnEscapedNulIsRefusedAloneUnderItsOwnCode() throws Exception {
        List<Integer> accepted = new ArrayList<>();
        ItemScan.Sink sink = new ItemScan.Sink() {
            @Override
            public void accepted(int index, ProductRequest product) {
                accepted.add(index);
            }

            @Override
            public void refused(int index, String sku, Violation violation) {}
        };
        String nulInSku = product("B\\u0000");

        ItemScan.Counts counts = ItemScan.scan(open(ItemFormat.NDJSON, ndjson(product("A"), nulInSku, product("C"))), 10, sink);

        assertThat(accepted).containsExactly(0, 2);
        assertThat(counts.errors()).extracting(Problem.ItemError::index, Problem.ItemError::code).containsExactly(tuple(1, "NUL_CHARACTER"));
    }
}
