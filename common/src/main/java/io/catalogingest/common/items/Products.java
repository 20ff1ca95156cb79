package io.catalogingest.common.items;

import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;

/** Turns validated requests into the records written to Kafka, and refused items into their VALIDATION outcome. */
public final class Products {
    private Products() {}

    /** A refused item's VALIDATION failure; gathered in an {@link OutcomeBatch} of stage VALIDATION. */
    public static FailedItem refused(int itemIndex, String sku, Violation violation) {
        return OutcomeBatch.failure(itemIndex, sku, violation.code(), violation.message(), 1);
    }

    public static ProductSubmitted submitted(String uploadId, String merchantId, int itemIndex, ProductRequest p,
            Instant acceptedAt, Long submissionOrder) {
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
                .setSubmissionOrder(submissionOrder)
                .build();
    }
}
