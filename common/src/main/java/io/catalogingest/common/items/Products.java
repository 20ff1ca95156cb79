package io.catalogingest.common.items;

import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;

/** Turns validated requests into the records written to Kafka, and refused items into their VALIDATION outcome. */
public final class Products {
    private Products() {}

    public static ItemProcessed refused(String uploadId, int itemIndex, String sku, String code, String message,
            Instant acceptedAt) {
        return ItemProcessed.newBuilder().setUploadId(uploadId).setItemIndex(itemIndex).setSku(sku == null ? "" : sku)
                .setStage(Stage.VALIDATION).setOutcome(Outcome.FAILED).setErrorCode(code).setErrorMessage(message)
                .setProcessedAt(acceptedAt).build();
    }

    public static ProductSubmitted submitted(String uploadId, String merchantId, int itemIndex, ProductRequest p,
            Instant acceptedAt) {
        List<ProductImage> images = new ArrayList<>(p.images().size());
        for (int i = 0; i < p.images().size(); i++) {
            images.add(new ProductImage(p.images().get(i).url(), i));
        }
        return ProductSubmitted.newBuilder()
                .setUploadId(uploadId)
                .setMerchantId(merchantId)
                .setItemIndex(itemIndex)
                .setSku(p.sku())
                .setTitle(p.title())
                .setDescription(p.description())
                .setPrice(p.price().setScale(ProductValidator.PRICE_SCALE, RoundingMode.UNNECESSARY))
                .setCurrency(p.currency())
                .setAttributes(p.attributes())
                .setImages(images)
                .setAcceptedAt(acceptedAt)
                .build();
    }
}
