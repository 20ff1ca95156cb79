package io.catalogingest.ingest.core;

import java.util.ArrayList;
import java.util.List;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.UploadAccepted;
import org.apache.avro.specific.SpecificRecord;

/** Keeps what an upload writes, in order, instead of sending it to Kafka. */
public class RecordingUploadWriter implements UploadWriter {
    private final List<SpecificRecord> records = new ArrayList<>();

    @Override
    public void product(ProductSubmitted product) {
        records.add(product);
    }

    @Override
    public void refused(ItemProcessed refusal) {
        records.add(refusal);
    }

    @Override
    public void accepted(UploadAccepted accepted) {
        records.add(accepted);
    }

    public List<SpecificRecord> records() {
        return records;
    }

    /** Each record in one line, in the order written: "product 0 A", "refused 1 B TITLE_MISSING", "accepted 2 of which 1 refused". */
    public List<String> summary() {
        return records.stream().map(RecordingUploadWriter::summarize).toList();
    }

    private static String summarize(SpecificRecord record) {
        if (record instanceof ProductSubmitted p) {
            return "product " + p.getItemIndex() + " " + p.getSku();
        }
        if (record instanceof ItemProcessed r) {
            return "refused " + r.getItemIndex() + " " + r.getSku() + " " + r.getErrorCode();
        }
        UploadAccepted a = (UploadAccepted) record;
        return "accepted " + a.getItemCount() + " of which " + a.getRefusedItems() + " refused";
    }
}
