package io.catalogingest.ingest.resources;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.items.SizeLimitedInputStream;
import io.catalogingest.common.items.UploadRefusedException;
import io.catalogingest.ingest.api.StagedUploadRequest;
import io.catalogingest.ingest.api.UploadTicket;
import io.catalogingest.ingest.core.IntakeUnavailableException;
import io.catalogingest.ingest.core.StagedUploads;
import io.catalogingest.ingest.core.UploadIntake;
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

/**
 * {@code POST /v1/uploads}: HTTP in, ticket or problem out. The body comes as a JSON array, NDJSON,
 * CSV, or any of them as the {@code file} field of a multipart form, optionally gzip-compressed; or
 * as a JSON object naming a staged upload. {@link UploadIntake} does the rest.
 */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadResource {
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** A staged upload's request is a few fields. */
    private static final int MAX_STAGED_REQUEST_BYTES = 16 * 1024;

    private final ObjectMapper json;
    private final UploadIntake intake;
    private final int uploadsPerMinute;
    private final String statusBaseUrl;
    private final RateLimiterRegistry rateLimiters;
    private final Meter uploadsAccepted;
    private final Meter itemsAccepted;

    public UploadResource(ObjectMapper json, UploadIntake intake, int uploadsPerMinute, String statusBaseUrl,
            MetricRegistry metrics) {
        this.json = json;
        this.uploadsAccepted = metrics.meter("uploads.accepted");
        this.itemsAccepted = metrics.meter("uploads.items-accepted");
        this.intake = intake;
        this.uploadsPerMinute = uploadsPerMinute;
        this.statusBaseUrl = statusBaseUrl.endsWith("/") ? statusBaseUrl.substring(0, statusBaseUrl.length() - 1) : statusBaseUrl;
        this.rateLimiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(uploadsPerMinute)
                .limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(Duration.ZERO).build());
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/x-ndjson", "application/jsonl", "text/csv"})
    public Response upload(@Auth Merchant merchant, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding, @HeaderParam("Idempotency-Key") String key,
            @QueryParam("mode") String mode, InputStream body) throws UploadRefusedException, IntakeUnavailableException {
        ItemFormat format = ItemFormat.forMediaType(contentType)
                .orElseThrow(() -> unsupported("Content-Type " + contentType + " is not an upload format"));
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding) && !"gzip".equalsIgnoreCase(encoding)) {
            throw unsupported("Content-Encoding " + encoding + " is not supported; use gzip or none");
        }
        boolean gzip = "gzip".equalsIgnoreCase(encoding);
        BufferedInputStream buffered = new BufferedInputStream(body, 1 << 16);
        if (format == ItemFormat.JSON && !gzip && startsWithObject(buffered)) {
            return accept(merchant, key, mode, staged(buffered, mode));
        }
        return accept(merchant, key, mode, new UploadIntake.Body(format, gzip, allOrNothing(mode), buffered));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response uploadFile(@Auth Merchant merchant, @FormDataParam("file") InputStream content,
            @FormDataParam("file") FormDataBodyPart file, @HeaderParam("Idempotency-Key") String key,
            @QueryParam("mode") String mode) throws UploadRefusedException, IntakeUnavailableException {
        if (file == null || content == null) {
            throw new UploadRefusedException(Problem.of(400, "FILE_MISSING", "No file", "send the catalog as the form field 'file'"));
        }
        String fileName = file.getContentDisposition() == null ? null : file.getContentDisposition().getFileName();
        ItemFormat format = ItemFormat.forMediaType(file.getMediaType().toString()).or(() -> ItemFormat.forFileName(fileName))
                .orElseThrow(() -> unsupported("cannot tell the format of file " + fileName + " (" + file.getMediaType()
                        + "); use .json, .ndjson or .csv"));
        boolean gzip = (fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".gz"))
                || "application/gzip".equals(file.getMediaType().toString());
        return accept(merchant, key, mode, new UploadIntake.Body(format, gzip, allOrNothing(mode), content));
    }

    private Response accept(Merchant merchant, String key, String mode, UploadIntake.Submission submission)
            throws UploadRefusedException, IntakeUnavailableException {
        RateLimiter limiter = rateLimiters.rateLimiter(merchant.merchantId());
        if (!limiter.acquirePermission()) {
            throw new UploadRefusedException(Problem.of(429, "RATE_LIMITED", "Too many uploads",
                    "at most " + uploadsPerMinute + " uploads per minute per merchant"), secondsUntilPermitted(limiter));
        }
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new UploadRefusedException(Problem.of(400, "IDEMPOTENCY_KEY_INVALID", "Invalid Idempotency-Key",
                    "an Idempotency-Key is 1-255 visible ASCII characters"));
        }
        UploadIntake.Answer answer = intake.accept(merchant.merchantId(), key, submission);
        Object entity = answer.entity() instanceof UploadTicket ticket
                ? new UploadTicket(ticket.uploadId(), ticket.status(), ticket.totalItems(), ticket.acceptedItems(),
                        ticket.refusedItems(), statusUrl(ticket.uploadId()), ticket.errors())
                : answer.entity();
        Response.ResponseBuilder response = Response.status(answer.status()).entity(entity)
                .type(answer.status() == 202 ? MediaType.APPLICATION_JSON : Problem.MEDIA_TYPE);
        if (answer.replayed()) {
            response.header("Idempotent-Replayed", "true");
        } else if (answer.status() == 202) {
            uploadsAccepted.mark();
            if (entity instanceof UploadTicket ticket && ticket.acceptedItems() != null) {
                itemsAccepted.mark(ticket.acceptedItems());
            }
        }
        if (answer.status() == 202) {
            response.location(URI.create(statusUrl(answer.uploadId())));
        }
        return response.build();
    }

    private UploadIntake.Staged staged(InputStream body, String mode) throws UploadRefusedException {
        if (allOrNothing(mode)) {
            throw new UploadRefusedException(Problem.of(400, "INVALID_MODE", "Mode not available for staged uploads",
                    "a staged upload is validated after it is accepted; all-or-nothing needs the body at once"));
        }
        byte[] bytes;
        StagedUploadRequest request;
        try {
            bytes = new SizeLimitedInputStream(body, MAX_STAGED_REQUEST_BYTES).readAllBytes();
            request = json.readValue(bytes, StagedUploadRequest.class);
        } catch (IOException e) {
            throw UploadRefusedException.malformed("a staged upload is {\"stagedUploadId\": \"...\", \"format\": \"ndjson\"}: "
                    + e.getMessage());
        }
        if (!StagedUploads.isValidId(request.stagedUploadId())) {
            throw new UploadRefusedException(Problem.of(400, "STAGED_UPLOAD_ID_INVALID", "Invalid staged upload id",
                    "stagedUploadId is the id POST /v1/staged-uploads returned"));
        }
        ItemFormat format = Optional.ofNullable(request.format())
                .flatMap(f -> ItemFormat.forFileName("file." + f).or(() -> ItemFormat.forMediaType(f)))
                .orElseThrow(() -> unsupported("format is json, ndjson or csv (or their media types), not " + request.format()));
        return new UploadIntake.Staged(request.stagedUploadId(), format, Boolean.TRUE.equals(request.gzip()), bytes);
    }

    /** A JSON body that is an object, not an array, names a staged upload. */
    private static boolean startsWithObject(BufferedInputStream body) throws UploadRefusedException {
        try {
            body.mark(1 << 16);
            try {
                for (int i = 0; i < (1 << 16); i++) {
                    int b = body.read();
                    if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                        return b == '{';
                    }
                }
                return false;
            } finally {
                body.reset();
            }
        } catch (IOException e) {
            throw new UploadRefusedException(Problem.of(400, "BODY_UNREADABLE", "Body could not be read", String.valueOf(e.getMessage())));
        }
    }

    private static boolean allOrNothing(String mode) throws UploadRefusedException {
        if (mode != null && !mode.equals("partial") && !mode.equals("all-or-nothing")) {
            throw new UploadRefusedException(Problem.of(400, "INVALID_MODE", "Unknown mode",
                    "mode is 'partial' (default) or 'all-or-nothing'"));
        }
        return "all-or-nothing".equals(mode);
    }

    private static long secondsUntilPermitted(RateLimiter limiter) {
        long nanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait() : 0;
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private String statusUrl(String uploadId) {
        return statusBaseUrl + "/v1/uploads/" + uploadId;
    }

    private static UploadRefusedException unsupported(String detail) {
        return new UploadRefusedException(Problem.of(415, "UNSUPPORTED_FORMAT", "Unsupported upload format", detail));
    }
}
