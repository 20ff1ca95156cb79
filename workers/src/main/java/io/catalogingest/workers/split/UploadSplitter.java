package io.catalogingest.workers.split;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.items.ItemScan;
import io.catalogingest.common.items.ProductRequest;
import io.catalogingest.common.items.Products;
import io.catalogingest.common.items.UploadRefusedException;
import io.catalogingest.common.items.Violation;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.UploadAccepted;

/**
 * Turns a spooled upload body into its records: a ProductSubmitted per accepted item and a
 * VALIDATION failure per refused one, by the same scan that the ingest API answered with, so the
 * indices and verdicts are the ones the merchant was told. Every {@code chunkSize} items the output
 * is asked to commit what it has ({@link Output#checkpoint}); a split resumed after a crash skips the
 * items before its last checkpoint.
 *
 * <p>A staged upload was not validated when it was accepted: if its body turns out unreadable part
 * way (malformed, truncated, too many items), the items before that point are split and the point
 * itself is reported as one refused item with the body's error.
 */
public final class UploadSplitter {
    /** Where the records go. */
    public interface Output {
        void product(ProductSubmitted product) throws Exception;

        /** A refused item's VALIDATION failure, committed with the products of its chunk. */
        void refused(FailedItem refusal) throws Exception;

        /** Commits every record so far; the split resumes at {@code nextIndex}. False stops the split (cancelled). */
        boolean checkpoint(int nextIndex) throws Exception;
    }

    /** Items of the body, how many were refused, and whether the split stopped before the end. */
    public record Result(int itemCount, int refusedItems, boolean stopped) {}

    /** Reading the object failed, not its content: the split is retried from its last checkpoint. */
    public static final class SourceException extends IOException {
        SourceException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final ObjectMapper json;
    private final int maxItems;
    private final int chunkSize;

    public UploadSplitter(ObjectMapper json, int maxItems, int chunkSize) {
        this.json = json;
        this.maxItems = maxItems;
        this.chunkSize = chunkSize;
    }

    public Result split(UploadAccepted upload, InputStream object, int resumeFrom, Output out) throws Exception {
        Emitter emitter = new Emitter(upload, resumeFrom, out);
        InputStream source = new SourceStream(object, upload.getBody().getSizeBytes());
        try (InputStream body = upload.getBody().getGzip() ? new GZIPInputStream(source, 1 << 16) : source) {
            ItemFormat format = ItemFormat.valueOf(upload.getBody().getFormat());
            ItemScan.Counts counts = ItemScan.scan(format.open(json, body), maxItems, emitter);
            return new Result(counts.total(), counts.refused(), false);
        } catch (Stopped stopped) {
            return new Result(emitter.next, emitter.refused, true);
        } catch (OutputException e) {
            throw (Exception) e.getCause();
        } catch (SourceException e) {
            throw e;
        } catch (UploadRefusedException e) {
            return emitter.endWith(e.problem().code(), e.problem().detail());
        } catch (IOException e) {
            return emitter.endWith("MALFORMED_BODY", "the body cannot be read from here on: " + e.getMessage());
        }
    }

    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private final class Emitter implements ItemScan.Sink {
        private final UploadAccepted upload;
        private final int resumeFrom;
        private final Output out;
        /** Index of the next item; also the count of items seen. */
        private int next;
        private int refused;

        Emitter(UploadAccepted upload, int resumeFrom, Output out) {
            this.upload = upload;
            this.resumeFrom = resumeFrom;
            this.out = out;
        }

        @Override
        public void accepted(int index, ProductRequest product) throws IOException {
            if (index >= resumeFrom) {
                emit(() -> out.product(Products.submitted(upload.getUploadId(), upload.getMerchantId(), index, product,
                        upload.getAcceptedAt(), upload.getSubmissionOrder())));
            }
            advance(index);
        }

        @Override
        public void refused(int index, String sku, Violation violation) throws IOException {
            refused++;
            if (index >= resumeFrom) {
                emit(() -> out.refused(Products.refused(index, sku, violation)));
            }
            advance(index);
        }

        /** The body ends in an error at the next index: that index is reported refused with it. */
        Result endWith(String code, String message) throws Exception {
            if (next >= resumeFrom) {
                out.refused(OutcomeBatch.failure(next, null, code, message, 1));
            }
            return new Result(next + 1, refused + 1, false);
        }

        private void advance(int index) throws IOException {
            next = index + 1;
            if (next > resumeFrom && next % chunkSize == 0) {
                emit(() -> {
                    if (!out.checkpoint(next)) {
                        throw new Stopped();
                    }
                });
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Output failures are the pipeline's, not the body's: they pass the scan as the split's failure. */
    private static void emit(Step step) throws IOException {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new OutputException(e);
        }
    }

    /** Carries an output failure through the scan's IOException-only signature. */
    private static final class OutputException extends RuntimeException {
        OutputException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Marks the object store's failures, reading or closing, so they are not taken for a malformed
     * body; among them a response that ends before the object's size, which is what a connection
     * closed mid-body looks like to the client.
     */
    private static final class SourceStream extends FilterInputStream {
        private final long size;
        private long read;

        SourceStream(InputStream in, long size) {
            super(in);
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            int b = marked(super::read);
            if (b < 0) {
                checkWhole();
            } else {
                read++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = marked(() -> super.read(b, off, len));
            if (n < 0) {
                checkWhole();
            } else {
                read += n;
            }
            return n;
        }

        private void checkWhole() throws SourceException {
            if (read < size) {
                throw new SourceException(new EOFException("the object ended after " + read + " of its " + size + " bytes"));
            }
        }

        @Override
        public void close() throws IOException {
            marked(() -> {
                super.close();
                return 0;
            });
        }

        private interface Call {
            int run() throws IOException;
        }

        private static int marked(Call call) throws SourceException {
            try {
                return call.run();
            } catch (IOException e) {
                throw new SourceException(e);
            } catch (RuntimeException e) { // the object store client's own failures
                throw new SourceException(new IOException(e.getMessage(), e));
            }
        }
    }
}
