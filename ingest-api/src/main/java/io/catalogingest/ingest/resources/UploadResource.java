package io.catalogingest.ingest.resources;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.ingest.api.UploadTicket;
import io.catalogingest.ingest.core.ItemFormat;
import io.catalogingest.ingest.core.SizeLimitedInputStream;
import io.catalogingest.ingest.core.UploadIntake;
import io.catalogingest.ingest.core.UploadRefusedException;
import io.catalogingest.ingest.core.UploadTransactions;
import io.catalogingest.ingest.core.UploadTransactions.UnavailableException;
import io.catalogingest.ingest.db.IdempotencyDao;
import io.dropwizard.auth.Auth;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.media.multipart.FormDataBodyPart;
import org.glassfish.jersey.media.multipart.FormDataParam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /v1/uploads}: streams the body into one Kafka transaction and answers 202 only after
 * it committed. Items are parsed, validated and produced one by one, so memory does not grow with
 * the upload. Formats: JSON array, NDJSON, CSV, or any of them as the {@code file} field of a
 * multipart form; {@code Content-Encoding: gzip} (or a {@code .gz} file) is decompressed on the fly.
 */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadResource {
    private static final Logger LOG = LoggerFactory.getLogger(UploadResource.class);
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** A claim older than this belongs to a request that died; its transaction has long timed out. */
    private static final long STALE_CLAIM_SECONDS = 300;

    /** Limits that protect the service and the pipeline from one merchant's traffic. */
    public record Limits(long maxBodyBytes, int uploadsPerMinute, long idempotencyRetentionSeconds) {}

    private final ObjectMapper json;
    private final UploadTransactions producers;
    private final UploadIntake intake;
    private final IdempotencyDao idempotency;
    private final Limits limits;
    private final String statusBaseUrl;
    private final RateLimiterRegistry rateLimiters;

    public UploadResource(ObjectMapper json, UploadTransactions producers, UploadIntake intake, IdempotencyDao idempotency,
            Limits limits, String statusBaseUrl) {
        this.json = json;
        this.producers = producers;
        this.intake = intake;
        this.idempotency = idempotency;
        this.limits = limits;
        this.statusBaseUrl = statusBaseUrl.endsWith("/") ? statusBaseUrl.substring(0, statusBaseUrl.length() - 1) : statusBaseUrl;
        this.rateLimiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(limits.uploadsPerMinute())
                .limitRefreshPeriod(java.time.Duration.ofMinutes(1))
                .timeoutDuration(java.time.Duration.ZERO).build());
    }

    /** The body as sent: its format and whether it is gzip-compressed. */
    private record Body(ItemFormat format, boolean gzip, InputStream stream) {}

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/x-ndjson", "application/jsonl", "text/csv"})
    public Response upload(@Auth Merchant merchant, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, @HeaderParam("Idempotency-Key") String key,
            @QueryParam("mode") String mode, InputStream body) {
        Optional<ItemFormat> format = ItemFormat.forMediaType(contentType);
        if (format.isEmpty()) {
            return unsupported("Content-Type " + contentType + " is not an upload format");
        }
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding) && !"gzip".equalsIgnoreCase(encoding)) {
            return unsupported("Content-Encoding " + encoding + " is not supported; use gzip or none");
        }
        return handle(merchant, new Body(format.get(), "gzip".equalsIgnoreCase(encoding), body), key, mode);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response uploadFile(@Auth Merchant merchant, @FormDataParam("file") InputStream content,
            @FormDataParam("file") FormDataBodyPart file, @HeaderParam("Idempotency-Key") String key,
            @QueryParam("mode") String mode) {
        if (file == null || content == null) {
            return Problem.of(400, "FILE_MISSING", "No file", "send the catalog as the form field 'file'").toResponse();
        }
        String fileName = file.getContentDisposition() == null ? null : file.getContentDisposition().getFileName();
        Optional<ItemFormat> format = ItemFormat.forMediaType(file.getMediaType().toString()).or(() -> ItemFormat.forFileName(fileName));
        if (format.isEmpty()) {
            return unsupported("cannot tell the format of file " + fileName + " (" + file.getMediaType() + "); use .json, .ndjson or .csv");
        }
        boolean gzip = (fileName != null && fileName.toLowerCase().endsWith(".gz"))
                || "application/gzip".equals(file.getMediaType().toString());
        return handle(merchant, new Body(format.get(), gzip, content), key, mode);
    }

    private Response handle(Merchant merchant, Body body, String key, String mode) {
        if (mode != null && !mode.equals("partial") && !mode.equals("all-or-nothing")) {
            return Problem.of(400, "INVALID_MODE", "Unknown mode", "mode is 'partial' (default) or 'all-or-nothing'").toResponse();
        }
        boolean allOrNothing = "all-or-nothing".equals(mode);
        RateLimiter limiter = rateLimiters.rateLimiter(merchant.merchantId());
        if (!limiter.acquirePermission()) {
            return Response.fromResponse(Problem.of(429, "RATE_LIMITED", "Too many uploads",
                    "at most " + limits.uploadsPerMinute() + " uploads per minute per merchant").toResponse())
                    .header("Retry-After", Long.toString(secondsUntilPermitted(limiter))).build();
        }
        if (key == null) {
            return accept(merchant, UUID.randomUUID().toString(), body, allOrNothing, sha256());
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            return Problem.of(400, "IDEMPOTENCY_KEY_INVALID", "Invalid Idempotency-Key",
                    "an Idempotency-Key is 1-255 visible ASCII characters").toResponse();
        }
        return acceptOnce(merchant, key, body, allOrNothing);
    }

    /**
     * Same key and body: the first answer again, nothing enqueued twice. The upload id is fixed when
     * the key is claimed, so even a retry after a crash between commit and bookkeeping names the
     * same upload, whose effects and counts are idempotent.
     */
    private Response acceptOnce(Merchant merchant, String key, Body body, boolean allOrNothing) {
        MessageDigest digest = sha256();
        Optional<String> claimed = idempotency.claim(merchant.merchantId(), key, UUID.randomUUID().toString(),
                limits.idempotencyRetentionSeconds(), STALE_CLAIM_SECONDS);
        if (claimed.isPresent()) {
            Response response = accept(merchant, claimed.get(), body, allOrNothing, digest);
            if (response.getStatus() == 202 || response.getStatus() == 422) {
                idempotency.complete(merchant.merchantId(), key, HexFormat.of().formatHex(digest.digest()), response.getStatus(),
                        serialize(response.getEntity()));
            } else {
                idempotency.release(merchant.merchantId(), key);
            }
            return response;
        }
        Optional<IdempotencyDao.Entry> earlier = idempotency.find(merchant.merchantId(), key);
        if (earlier.isEmpty() || earlier.get().state().equals("PENDING")) {
            return Response.fromResponse(Problem.of(409, "IDEMPOTENCY_KEY_IN_USE", "Upload in progress",
                    "a request with this Idempotency-Key is still being processed").toResponse()).header("Retry-After", "1").build();
        }
        try (InputStream in = new DigestInputStream(new SizeLimitedInputStream(body.stream(), limits.maxBodyBytes()), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (SizeLimitedInputStream.TooLargeException e) {
            return tooLarge();
        } catch (IOException e) {
            return unreadable(e);
        }
        IdempotencyDao.Entry entry = earlier.get();
        if (!HexFormat.of().formatHex(digest.digest()).equals(entry.bodySha256())) {
            return Problem.of(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused",
                    "this Idempotency-Key was used for a different body; use a new key for a new upload").toResponse();
        }
        Response.ResponseBuilder replay = Response.status(entry.responseStatus()).entity(entry.responseBody())
                .type(entry.responseStatus() == 202 ? MediaType.APPLICATION_JSON : Problem.MEDIA_TYPE)
                .header("Idempotent-Replayed", "true");
        if (entry.responseStatus() == 202) {
            replay.location(URI.create(statusUrl(entry.uploadId())));
        }
        return replay.build();
    }

    private Response accept(Merchant merchant, String uploadId, Body body, boolean allOrNothing, MessageDigest digest) {
        MDC.put("uploadId", uploadId);
        try (InputStream raw = new DigestInputStream(new SizeLimitedInputStream(body.stream(), limits.maxBodyBytes()), digest);
                InputStream items = body.gzip() ? new SizeLimitedInputStream(new GZIPInputStream(raw, 1 << 16), limits.maxBodyBytes()) : raw;
                UploadTransactions.Transaction tx = producers.begin()) {
            UploadIntake.Result result = intake.intake(uploadId, merchant.merchantId(), Instant.now(),
                    body.format().open(json, items), allOrNothing, tx);
            raw.transferTo(OutputStream.nullOutputStream()); // the whole body counts for idempotency
            tx.commit();
            LOG.info("upload {} of merchant {} accepted: {} items, {} refused", uploadId, merchant.merchantId(),
                    result.totalItems(), result.refusedItems());
            String statusUrl = statusUrl(uploadId);
            return Response.accepted(new UploadTicket(uploadId, "IN_QUEUE", result.totalItems(),
                    result.totalItems() - result.refusedItems(), result.refusedItems(), statusUrl, result.errors()))
                    .location(URI.create(statusUrl)).build();
        } catch (UploadRefusedException e) {
            LOG.info("upload {} refused: {}", uploadId, e.getMessage());
            return e.problem().toResponse();
        } catch (UnavailableException e) {
            LOG.warn("upload {} not accepted: {}", uploadId, e.getMessage(), e.getCause());
            return Response.fromResponse(Problem.of(503, "KAFKA_UNAVAILABLE", "Uploads are not accepted right now",
                    "the upload could not be stored durably; nothing was enqueued, retry later").toResponse())
                    .header("Retry-After", "5").build();
        } catch (SizeLimitedInputStream.TooLargeException e) {
            return tooLarge();
        } catch (ZipException e) {
            return Problem.of(400, "BODY_NOT_GZIP", "Body is not gzip", "Content-Encoding says gzip, but " + e.getMessage()).toResponse();
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            return UploadRefusedException.malformed(e.getOriginalMessage() + where).problem().toResponse();
        } catch (IOException e) {
            return unreadable(e);
        } finally {
            MDC.remove("uploadId");
        }
    }

    private static long secondsUntilPermitted(RateLimiter limiter) {
        long nanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait() : 0;
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private String statusUrl(String uploadId) {
        return statusBaseUrl + "/v1/uploads/" + uploadId;
    }

    private Response tooLarge() {
        return Problem.of(413, "BODY_TOO_LARGE", "Upload too large",
                "the body (or its decompressed content) is larger than " + limits.maxBodyBytes() + " bytes").toResponse();
    }

    private static Response unreadable(IOException e) {
        return Problem.of(400, "BODY_UNREADABLE", "Body could not be read", String.valueOf(e.getMessage())).toResponse();
    }

    private static Response unsupported(String detail) {
        return Problem.of(415, "UNSUPPORTED_FORMAT", "Unsupported upload format", detail).toResponse();
    }

    private String serialize(Object entity) {
        try {
            return json.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answers always serialize", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
