package io.catalogingest.ingest.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.Sha256;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.items.ItemScan;
import io.catalogingest.common.items.ProductRequest;
import io.catalogingest.common.items.Products;
import io.catalogingest.common.items.SizeLimitedInputStream;
import io.catalogingest.common.items.UploadRefusedException;
import io.catalogingest.common.items.Violation;
import io.catalogingest.common.storage.BodyStore;
import io.catalogingest.ingest.api.UploadTicket;
import io.catalogingest.ingest.db.IdempotencyDao;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.SpooledBody;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.UploadAccepted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes uploads in. A large body is streamed to the object store while every item is validated
 * (the claim check); only when the object is complete is one small transaction with the
 * UploadAccepted record committed, and only then is the upload answered 202; the splitter turns
 * the object into products behind the queue. A small body is read whole into memory first and
 * committed with its products. Either way no Kafka transaction is open while a client sends.
 *
 * <p>With an Idempotency-Key, the same key and body get the first answer again and nothing is
 * enqueued twice; the same key with another body is refused with 422.
 */
public final class UploadIntake {
    private static final Logger LOG = LoggerFactory.getLogger(UploadIntake.class);

    /** Limits that protect the service and the pipeline from one merchant's traffic. */
    /** {@code inlineBodyBytes}: bodies up to this size are committed with their products, not spooled. */
    public record Limits(long maxBodyBytes, int maxItems, int inlineBodyBytes) {}

    /** What a merchant sends: a body to read, or the id of a staged upload already in the store. */
    public sealed interface Submission permits Body, Staged {}

    /** A body as sent: its format and whether it is gzip-compressed. */
    public record Body(ItemFormat format, boolean gzip, boolean allOrNothing, InputStream stream) implements Submission {}

    /** A staged upload; {@code request} is the POSTed JSON, whose hash stands for the body's. */
    public record Staged(String stagedUploadId, ItemFormat format, boolean gzip, byte[] request) implements Submission {}

    /** The answer: status and entity, a {@link UploadTicket}, or the stored problem JSON of an idempotent replay. */
    public record Answer(int status, String uploadId, Object entity, boolean replayed) {}

    private static final ItemScan.Sink VALIDATE_ONLY = new ItemScan.Sink() {
        @Override
        public void accepted(int index, ProductRequest product) {}

        @Override
        public void refused(int index, String sku, Violation violation) {}
    };

    private final ObjectMapper json;
    private final BodyStore spool;
    private final UploadTransactions transactions;
    private final Claims claims;
    private final SubmissionOrder order;
    private final Limits limits;
    private final Clock clock;

    public UploadIntake(ObjectMapper json, BodyStore spool, UploadTransactions transactions, Claims claims,
            SubmissionOrder order, Limits limits, Clock clock) {
        this.order = order;
        this.json = json;
        this.spool = spool;
        this.transactions = transactions;
        this.claims = claims;
        this.limits = limits;
        this.clock = clock;
    }

    /** Accepts the submission; {@code idempotencyKey} may be null. 4xx answers are thrown as {@link UploadRefusedException}. */
    public Answer accept(String merchantId, String idempotencyKey, Submission submission)
            throws UploadRefusedException, IntakeUnavailableException {
        if (idempotencyKey == null) {
            return accept(merchantId, UUID.randomUUID().toString(), submission, null).answer();
        }
        Optional<Claims.Claim> claimed = claims.claim(merchantId, idempotencyKey);
        if (claimed.isEmpty()) {
            return replay(merchantId, idempotencyKey, submission);
        }
        Claims.Claim claim = claimed.get();
        try {
            Accepted accepted = accept(merchantId, claim.uploadId(), submission, claim);
            claims.complete(claim, accepted.bodySha256(), accepted.answer().status(), serialize(accepted.answer().entity()));
            return accepted.answer();
        } catch (UploadRefusedException e) {
            if (e.problem().status() == 422 && e.bodySha256() != null) {
                claims.complete(claim, e.bodySha256(), 422, serialize(e.problem()));
            } else {
                claims.release(claim);
            }
            throw e;
        } catch (IntakeUnavailableException e) {
            claims.release(claim, e.mayHaveCommitted());
            throw e;
        } catch (RuntimeException e) {
            claims.release(claim);
            throw e;
        }
    }

    private record Accepted(Answer answer, String bodySha256) {}

    private Answer replay(String merchantId, String key, Submission submission)
            throws UploadRefusedException, IntakeUnavailableException {
        Optional<IdempotencyDao.Entry> earlier = claims.find(merchantId, key);
        if (earlier.isEmpty() || earlier.get().state().equals("PENDING")) {
            throw new UploadRefusedException(Problem.of(409, "IDEMPOTENCY_KEY_IN_USE", "Upload in progress",
                    "a request with this Idempotency-Key is still being processed"), 1);
        }
        IdempotencyDao.Entry entry = earlier.get();
        if (!hashOf(submission).equals(entry.bodySha256())) {
            throw keyReused();
        }
        return new Answer(entry.responseStatus(), entry.uploadId(), replayedEntity(entry), true);
    }

    /** A ticket is read back, so that the resource completes it as the first time (its status URL); a problem is passed on. */
    private Object replayedEntity(IdempotencyDao.Entry entry) {
        if (entry.responseStatus() != 202) {
            return entry.responseBody();
        }
        try {
            return json.readValue(entry.responseBody(), UploadTicket.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tickets always deserialize", e);
        }
    }

    private Accepted accept(String merchantId, String uploadId, Submission submission, Claims.Claim claim)
            throws UploadRefusedException, IntakeUnavailableException {
        MDC.put("uploadId", uploadId);
        try {
            return submission instanceof Body body
                    ? acceptBody(merchantId, uploadId, body, claim)
                    : acceptStaged(merchantId, uploadId, (Staged) submission, claim);
        } finally {
            MDC.remove("uploadId");
        }
    }

    /**
     * A body of at most {@code inlineBodyBytes} is read whole into memory first, then its products
     * and refusals are committed with the UploadAccepted in one transaction: no object store round
     * trip for the many small uploads, and still no transaction open while the client sends. A
     * larger body is spooled to the object store while it is read, and split behind the queue.
     */
    private Accepted acceptBody(String merchantId, String uploadId, Body body, Claims.Claim claim)
            throws UploadRefusedException, IntakeUnavailableException {
        InputStream limited = new SizeLimitedInputStream(body.stream(), limits.maxBodyBytes());
        byte[] head;
        try {
            head = limited.readNBytes(limits.inlineBodyBytes() + 1);
        } catch (IOException e) {
            throw refusal(e);
        }
        if (head.length <= limits.inlineBodyBytes()) {
            return acceptInline(merchantId, uploadId, body, head, claim);
        }
        return acceptSpooled(merchantId, uploadId, body, new SequenceInputStream(new ByteArrayInputStream(head), limited), claim);
    }

    private Accepted acceptInline(String merchantId, String uploadId, Body body, byte[] bytes, Claims.Claim claim)
            throws UploadRefusedException, IntakeUnavailableException {
        Instant acceptedAt = clock.instant();
        List<ProductSubmitted> products = new ArrayList<>();
        OutcomeBatch refusals = new OutcomeBatch(uploadId, Stage.VALIDATION);
        Scanned scanned;
        try {
            scanned = scan(new ByteArrayInputStream(bytes), body, new ItemScan.Sink() {
                @Override
                public void accepted(int index, ProductRequest product) {
                    products.add(Products.submitted(uploadId, merchantId, index, product, acceptedAt, null));
                }

                @Override
                public void refused(int index, String sku, Violation violation) {
                    refusals.failed(Products.refused(index, sku, violation));
                }
            });
        } catch (BodyStore.UnavailableException e) {
            throw new IllegalStateException("an in-memory body has no store to fail", e);
        }
        checkClaim(claim, scanned.sha());
        UploadAccepted accepted = UploadAccepted.newBuilder().setUploadId(uploadId).setMerchantId(merchantId)
                .setItemCount(scanned.counts().total()).setRefusedItems(scanned.counts().refused()).setAcceptedAt(acceptedAt)
                .setBody(null).build();
        commit(accepted, products, refusals);
        return accepted(merchantId, uploadId, scanned, bytes.length);
    }

    private Accepted acceptSpooled(String merchantId, String uploadId, Body body, InputStream source, Claims.Claim claim)
            throws UploadRefusedException, IntakeUnavailableException {
        BodyStore.Writer spooled = spool.create(BodyStore.uploadKey(merchantId, uploadId));
        Scanned scanned;
        try {
            scanned = scan(new SpoolingInputStream(source, spooled), body, VALIDATE_ONLY);
            checkClaim(claim, scanned.sha());
            spooled.close();
        } catch (BodyStore.UnavailableException e) {
            spooled.abort();
            throw new IntakeUnavailableException("OBJECT_STORE_UNAVAILABLE", "the upload could not be stored", e);
        } catch (UploadRefusedException | IntakeUnavailableException e) {
            spooled.abort();
            throw e;
        } catch (IOException e) {
            spooled.abort();
            throw new IntakeUnavailableException("OBJECT_STORE_UNAVAILABLE", "the upload could not be stored", e);
        }
        UploadAccepted accepted = UploadAccepted.newBuilder().setUploadId(uploadId).setMerchantId(merchantId)
                .setItemCount(scanned.counts().total()).setRefusedItems(scanned.counts().refused()).setAcceptedAt(clock.instant())
                .setBody(new SpooledBody(spool.bucket(), spooled.key(), body.format().name(), body.gzip(), spooled.size()))
                .build();
        commit(accepted, List.of(), new OutcomeBatch(uploadId, Stage.VALIDATION));
        return accepted(merchantId, uploadId, scanned, spooled.size());
    }

    private record Scanned(ItemScan.Counts counts, String sha) {}

    /** Reads the whole body, hashing it as sent; a body that cannot be accepted as sent is refused (4xx). */
    private Scanned scan(InputStream source, Body body, ItemScan.Sink sink)
            throws UploadRefusedException, BodyStore.UnavailableException {
        MessageDigest digest = Sha256.digest();
        ItemScan.Counts counts;
        try (InputStream raw = new DigestInputStream(source, digest);
                InputStream items = body.gzip()
                        ? new SizeLimitedInputStream(new GZIPInputStream(raw, 1 << 16), limits.maxBodyBytes()) : raw) {
            counts = ItemScan.scan(body.format().open(json, items), limits.maxItems(), sink);
            raw.transferTo(OutputStream.nullOutputStream()); // the whole body is stored and hashed
        } catch (BodyStore.UnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw refusal(e);
        }
        String sha = Sha256.hex(digest);
        if (counts.total() == 0) {
            throw new UploadRefusedException(Problem.of(422, "EMPTY_UPLOAD", "Empty upload", "the upload holds no products"))
                    .withBody(sha);
        }
        if (counts.refused() > 0 && (body.allOrNothing() || counts.refused() == counts.total())) {
            throw UploadRefusedException.invalidItems(counts.refused(), counts.errors()).withBody(sha);
        }
        return new Scanned(counts, sha);
    }

    private Accepted accepted(String merchantId, String uploadId, Scanned scanned, long bytes) {
        ItemScan.Counts counts = scanned.counts();
        LOG.info("upload {} of merchant {} accepted: {} items, {} refused, {} bytes", uploadId, merchantId,
                counts.total(), counts.refused(), bytes);
        return new Accepted(new Answer(202, uploadId, new UploadTicket(uploadId, "IN_QUEUE", counts.total(),
                counts.total() - counts.refused(), counts.refused(), null, counts.errors()), false), scanned.sha());
    }

    private Accepted acceptStaged(String merchantId, String uploadId, Staged staged, Claims.Claim claim)
            throws UploadRefusedException, IntakeUnavailableException {
        String sha = Sha256.hex(staged.request());
        String key = BodyStore.stagedKey(merchantId, staged.stagedUploadId());
        long size;
        try {
            size = spool.size(key).orElseThrow(() -> new UploadRefusedException(Problem.of(422, "STAGED_UPLOAD_MISSING",
                    "Staged upload not found", "nothing was PUT to the URL of staged upload " + staged.stagedUploadId()
                            + ", or it was deleted after its retention")));
        } catch (BodyStore.UnavailableException e) {
            throw new IntakeUnavailableException("OBJECT_STORE_UNAVAILABLE", "the staged upload could not be looked up", e);
        }
        if (size > limits.maxBodyBytes()) {
            throw tooLarge().withBody(sha);
        }
        checkClaim(claim, sha);
        commit(UploadAccepted.newBuilder().setUploadId(uploadId).setMerchantId(merchantId).setItemCount(null)
                .setRefusedItems(0).setAcceptedAt(clock.instant())
                .setBody(new SpooledBody(spool.bucket(), key, staged.format().name(), staged.gzip(), size)).build(),
                List.of(), new OutcomeBatch(uploadId, Stage.VALIDATION));
        LOG.info("staged upload {} of merchant {} accepted as upload {}: {} bytes", staged.stagedUploadId(), merchantId,
                uploadId, size);
        return new Accepted(new Answer(202, uploadId, new UploadTicket(uploadId, "IN_QUEUE", null, null, null, null,
                List.of()), false), sha);
    }

    /** A claim taken over from a dead owner keeps its upload id only for the same body. */
    private void checkClaim(Claims.Claim claim, String sha) throws UploadRefusedException, IntakeUnavailableException {
        if (claim == null) {
            return;
        }
        if (claim.earlierBodySha256() != null && !claim.earlierBodySha256().equals(sha)) {
            throw keyReused();
        }
        claims.recordBody(claim, sha);
    }

    private void commit(UploadAccepted accepted, List<ProductSubmitted> products, OutcomeBatch refusals)
            throws IntakeUnavailableException {
        // Numbered last, just before the commit: the order of acceptance, not of request start.
        long submissionOrder = order.next();
        accepted.setSubmissionOrder(submissionOrder);
        products.forEach(p -> p.setSubmissionOrder(submissionOrder));
        try {
            transactions.commit(accepted, products, refusals);
        } catch (IntakeUnavailableException e) {
            LOG.warn("upload {} not accepted: {}", accepted.getUploadId(), e.getMessage(), e.getCause());
            throw e;
        }
    }

    private String hashOf(Submission submission) throws UploadRefusedException {
        MessageDigest digest = Sha256.digest();
        if (submission instanceof Staged staged) {
            digest.update(staged.request());
        } else {
            try (InputStream in = new DigestInputStream(
                    new SizeLimitedInputStream(((Body) submission).stream(), limits.maxBodyBytes()), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw refusal(e);
            }
        }
        return Sha256.hex(digest);
    }

    /** What a body that cannot be read means for the merchant. */
    private UploadRefusedException refusal(IOException e) {
        if (e instanceof SizeLimitedInputStream.TooLargeException) {
            return tooLarge();
        }
        if (e instanceof ZipException) {
            return new UploadRefusedException(Problem.of(400, "BODY_NOT_GZIP", "Body is not gzip",
                    "Content-Encoding says gzip, but " + e.getMessage()));
        }
        if (e instanceof JsonProcessingException p) {
            String where = p.getLocation() == null ? ""
                    : " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")";
            return UploadRefusedException.malformed(p.getOriginalMessage() + where);
        }
        return new UploadRefusedException(Problem.of(400, "BODY_UNREADABLE", "Body could not be read", String.valueOf(e.getMessage())));
    }

    private UploadRefusedException tooLarge() {
        return new UploadRefusedException(Problem.of(413, "BODY_TOO_LARGE", "Upload too large",
                "the body (or its decompressed content) is larger than " + limits.maxBodyBytes() + " bytes"));
    }

    private static UploadRefusedException keyReused() {
        return new UploadRefusedException(Problem.of(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused",
                "this Idempotency-Key was used for a different body; use a new key for a new upload"));
    }

    private String serialize(Object entity) {
        try {
            return json.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answers always serialize", e);
        }
    }
}
