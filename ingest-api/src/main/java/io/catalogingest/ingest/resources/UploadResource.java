package io.catalogingest.ingest.resources;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.api.Problem;
import io.catalogingest.ingest.api.ProductRequest;
import io.catalogingest.ingest.api.UploadTicket;
import io.catalogingest.ingest.core.ProductValidator;
import io.catalogingest.ingest.core.Products;
import io.catalogingest.ingest.core.UploadRefusedException;
import io.catalogingest.ingest.core.Violation;
import io.catalogingest.ingest.kafka.TransactionalProducers;
import io.catalogingest.ingest.kafka.TransactionalProducers.UnavailableException;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /v1/uploads}: streams the body into one Kafka transaction and answers 202 only after
 * it committed. Items are parsed and produced one by one, so memory does not grow with the upload.
 */
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadResource {
    private static final Logger LOG = LoggerFactory.getLogger(UploadResource.class);
    private static final int MAX_LISTED_ERRORS = 100;

    private final ObjectMapper json;
    private final TransactionalProducers producers;
    private final String statusBaseUrl;
    private final int maxItems;

    public UploadResource(ObjectMapper json, TransactionalProducers producers, String statusBaseUrl, int maxItems) {
        this.json = json;
        this.producers = producers;
        this.statusBaseUrl = statusBaseUrl.endsWith("/") ? statusBaseUrl.substring(0, statusBaseUrl.length() - 1) : statusBaseUrl;
        this.maxItems = maxItems;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response upload(@Auth Merchant merchant, InputStream body) {
        String uploadId = UUID.randomUUID().toString();
        MDC.put("uploadId", uploadId);
        try {
            int total = enqueue(uploadId, merchant.merchantId(), body);
            String statusUrl = statusBaseUrl + "/v1/uploads/" + uploadId;
            LOG.info("upload {} of merchant {} accepted with {} items", uploadId, merchant.merchantId(), total);
            return Response.accepted(new UploadTicket(uploadId, "IN_QUEUE", total, statusUrl))
                    .location(URI.create(statusUrl)).build();
        } catch (UploadRefusedException e) {
            LOG.info("upload {} refused: {}", uploadId, e.getMessage());
            return e.problem().toResponse();
        } catch (UnavailableException e) {
            LOG.warn("upload {} not accepted: {}", uploadId, e.getMessage(), e.getCause());
            return Response.fromResponse(Problem.of(503, "KAFKA_UNAVAILABLE", "Uploads are not accepted right now",
                    "the upload could not be stored durably; nothing was enqueued, retry later").toResponse())
                    .header("Retry-After", "5").build();
        } finally {
            MDC.remove("uploadId");
        }
    }

    private int enqueue(String uploadId, String merchantId, InputStream body)
            throws UploadRefusedException, UnavailableException {
        Instant acceptedAt = Instant.now();
        List<Problem.ItemError> errors = new ArrayList<>();
        int index = 0;
        try (TransactionalProducers.Transaction tx = producers.begin();
                JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw syntaxError("the body must be a JSON array of products", parser.currentLocation());
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (index >= maxItems) {
                    throw new UploadRefusedException(Problem.of(413, "TOO_MANY_ITEMS", "Upload too large",
                            "an upload holds at most " + maxItems + " items"));
                }
                ProductRequest item = readItem(parser);
                List<Violation> violations = ProductValidator.validate(item);
                if (!violations.isEmpty()) {
                    for (Violation v : violations) {
                        if (errors.size() < MAX_LISTED_ERRORS) {
                            errors.add(new Problem.ItemError(index, item.sku(), v.code(), v.message()));
                        }
                    }
                } else if (errors.isEmpty()) {
                    ProductSubmitted product = Products.submitted(uploadId, merchantId, index, item, acceptedAt);
                    tx.send(Topics.PRODUCTS, Topics.productKey(merchantId, item.sku()), product);
                }
                index++;
            }
            if (parser.nextToken() != null) {
                throw syntaxError("unexpected content after the closing bracket", parser.currentLocation());
            }
            if (!errors.isEmpty()) {
                throw UploadRefusedException.invalidItems(errors);
            }
            if (index == 0) {
                throw new UploadRefusedException(Problem.of(422, "EMPTY_UPLOAD", "Empty upload", "the upload holds no products"));
            }
            tx.send(Topics.UPLOADS, uploadId, Products.accepted(uploadId, merchantId, index, acceptedAt));
            tx.commit();
            return index;
        } catch (JsonProcessingException e) {
            throw syntaxError(e.getOriginalMessage(), e.getLocation());
        } catch (IOException e) {
            throw new UploadRefusedException(Problem.of(400, "BODY_UNREADABLE", "Body could not be read", e.getMessage()));
        }
    }

    private ProductRequest readItem(JsonParser parser) throws IOException, UploadRefusedException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw syntaxError("each product must be a JSON object", parser.currentLocation());
        }
        return json.readValue(parser, ProductRequest.class);
    }

    private static UploadRefusedException syntaxError(String message, JsonLocation at) {
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new UploadRefusedException(Problem.of(400, "MALFORMED_BODY", "Malformed upload body", message + where));
    }
}
