package io.catalogingest.workers.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.StageHandler;
import io.catalogingest.workers.images.StoredImage;
import io.catalogingest.workers.core.SubmissionVersion;
import io.catalogingest.workers.images.ProductImageDao.Gallery;
import io.catalogingest.workers.images.ProductImageDao.ImageRow;
import org.jdbi.v3.core.Jdbi;

/**
 * The image stage: downloads the images of the given products, stores each under its content
 * address, then records their galleries in a transaction shared with the products other threads
 * finish meanwhile ({@link GalleryWriter}). Concurrency comes from the pool, which hands over one
 * product at a time on many threads ({@code PerRecordStagePool}).
 */
public final class ImageWorker implements StageHandler {
    private static final java.time.Duration IN_PLACE_RETRY_DELAY = java.time.Duration.ofMillis(200);

    private final ImageFetcher fetcher;
    private final ImageStore store;
    private final Jdbi jdbi;
    private final GalleryWriter galleries;

    public ImageWorker(ImageFetcher fetcher, ImageStore store, Jdbi jdbi) {
        this.fetcher = fetcher;
        this.store = store;
        this.jdbi = jdbi;
        this.galleries = new GalleryWriter(jdbi);
    }

    @Override
    public Stage stage() {
        return Stage.IMAGES;
    }

    private record ProductImages(ProductSubmitted product, List<StoredImage> images, ItemFailure failure) {}

    @Override
    public List<ItemOutcome> process(List<ProductSubmitted> batch) throws InterruptedException {
        List<ProductImages> done = new ArrayList<>(batch.size());
        for (ProductSubmitted product : batch) {
            done.add(storeAll(product)); // an object-store fault throws: the pool processes the product again
        }
        // An older submission than the gallery's changes nothing, whatever order the workers finish in.
        galleries.write(done.stream().filter(p -> p.failure() == null).map(ImageWorker::gallery).toList());
        return done.stream()
                .map(p -> p.failure() == null ? ItemOutcome.applied(p.product()) : ItemOutcome.failed(p.product(), p.failure()))
                .toList();
    }

    private ProductImages storeAll(ProductSubmitted product) throws InterruptedException {
        List<StoredImage> stored = new ArrayList<>(product.getImages().size());
        if (product.getImages().isEmpty()) {
            return new ProductImages(product, stored, null);
        }
        // A re-sent catalog mostly brings the images its products already show: no PUT for those.
        Set<String> known = jdbi.withHandle(h -> new ProductImageDao(h).objectKeys(product.getMerchantId(), product.getSku()));
        try {
            for (ProductImage image : product.getImages()) {
                byte[] bytes = fetchRetryingOnce(image.getUrl());
                stored.add(store.store(image.getPosition(), image.getUrl(), bytes, known));
            }
            return new ProductImages(product, stored, null);
        } catch (ItemFailure failure) {
            return new ProductImages(product, List.of(), failure);
        }
    }

    /** A transient failure gets one quick retry in place before the item goes the retry-topic way. */
    private byte[] fetchRetryingOnce(String url) throws ItemFailure, InterruptedException {
        try {
            return fetcher.fetch(url);
        } catch (ItemFailure failure) {
            if (failure.isPermanent()) {
                throw failure;
            }
            Thread.sleep(IN_PLACE_RETRY_DELAY.toMillis());
            return fetcher.fetch(url);
        }
    }

    private static Gallery gallery(ProductImages p) {
        ProductSubmitted s = p.product();
        return new Gallery(s.getMerchantId(), s.getSku(), SubmissionVersion.of(s), s.getImages().size(),
                p.images().stream().map(i -> row(s, i)).toList());
    }

    private static ImageRow row(ProductSubmitted p, StoredImage i) {
        return new ImageRow(p.getMerchantId(), p.getSku(), i.position(), i.sourceUrl(), i.sha256(), i.objectKey(),
                i.contentType(), i.sizeBytes(), i.width(), i.height(), SubmissionVersion.of(p));
    }
}
