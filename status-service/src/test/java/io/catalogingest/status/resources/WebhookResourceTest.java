package io.catalogingest.status.resources;

import static io.catalogingest.status.resources.ServiceWiring.M1;
import static io.catalogingest.status.resources.ServiceWiring.M1_KEY;
import static io.catalogingest.status.resources.ServiceWiring.M2_KEY;
import static io.catalogingest.status.resources.ServiceWiring.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.api.Problem;
import io.catalogingest.status.api.WebhookRegistration;
import io.catalogingest.status.db.WebhookDao;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class WebhookResourceTest {
    private static final String HOOK = "https://hooks.example.com/catalog";

    private final InMemoryWebhooks webhooks = new InMemoryWebhooks();
    private final ResourceExtension resources = ServiceWiring.resources().addResource(new WebhookResource(webhooks)).build();

    @Test
    void registeringIssuesASigningSecretThatIsShownOnlyOnce() {
        Response registered = register(M1_KEY, HOOK);

        assertThat(registered.getStatus()).isEqualTo(200);
        WebhookRegistration answer = registered.readEntity(WebhookRegistration.class);
        assertThat(answer.url()).isEqualTo(HOOK);
        assertThat(answer.secret()).startsWith("whsec_").isEqualTo(webhooks.byMerchant.get(M1).secret());
        assertThat(answer.createdAt()).isNotNull();

        JsonNode shown = as(M1_KEY).get(JsonNode.class);
        assertThat(shown.path("url").asText()).isEqualTo(HOOK);
        assertThat(shown.has("secret")).as("the secret is never shown again").isFalse();
    }

    @Test
    void registeringAgainReplacesTheUrlAndTheSecret() {
        String first = register(M1_KEY, HOOK).readEntity(WebhookRegistration.class).secret();

        WebhookRegistration second = register(M1_KEY, "https://hooks.example.com/v2").readEntity(WebhookRegistration.class);

        assertThat(second.secret()).isNotEqualTo(first);
        assertThat(webhooks.byMerchant.get(M1)).extracting(WebhookDao.Webhook::url, WebhookDao.Webhook::secret)
                .containsExactly("https://hooks.example.com/v2", second.secret());
    }

    @Test
    void refusedUrlsAnswer422WithTheReasonAndStoreNothing() {
        Response ftp = register(M1_KEY, "ftp://hooks.example.com/catalog");
        assertThat(ftp.getStatus()).isEqualTo(422);
        assertThat(ftp.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        Problem refusal = ftp.readEntity(Problem.class);
        assertThat(refusal.code()).isEqualTo("WEBHOOK_URL_INVALID");
        assertThat(refusal.detail()).isEqualTo("url must be https (or http)");

        Problem credentials = register(M1_KEY, "https://user:pw@hooks.example.com/").readEntity(Problem.class);
        assertThat(credentials.detail()).isEqualTo("url must not carry credentials");
        Problem missing = as(M1_KEY).put(Entity.json("{}")).readEntity(Problem.class);
        assertThat(List.of(missing.status(), missing.code(), missing.detail()))
                .containsExactly(422, "WEBHOOK_URL_INVALID", "url is required");
        assertThat(webhooks.byMerchant).isEmpty();
    }

    @Test
    void eachMerchantSeesOnlyItsOwnWebhook() {
        register(M1_KEY, HOOK);

        Response other = as(M2_KEY).get();

        assertThat(other.getStatus()).isEqualTo(404);
        assertThat(other.readEntity(Problem.class).code()).isEqualTo("WEBHOOK_NOT_FOUND");
    }

    @Test
    void removingTheWebhookLeavesNoneRegistered() {
        register(M1_KEY, HOOK);

        assertThat(as(M1_KEY).delete().getStatus()).isEqualTo(204);

        assertThat(webhooks.byMerchant).isEmpty();
        assertThat(as(M1_KEY).get().getStatus()).isEqualTo(404);
    }

    @Test
    void withoutAValidKeyNothingIsRegistered() {
        Response missing = resources.target("/v1/webhook").request().put(Entity.json(new WebhookRegistration.Request(HOOK)));
        Response invalid = as("cik_not-a-key").put(Entity.json(new WebhookRegistration.Request(HOOK)));

        assertThat(missing.getStatus()).isEqualTo(401);
        assertThat(invalid.getStatus()).isEqualTo(401);
        assertThat(invalid.readEntity(Problem.class).code()).isEqualTo("UNAUTHORIZED");
        assertThat(webhooks.byMerchant).isEmpty();
    }

    private Response register(String key, String url) {
        return as(key).put(Entity.json(new WebhookRegistration.Request(url)));
    }

    private Invocation.Builder as(String key) {
        return resources.target("/v1/webhook").request().header(HttpHeaders.AUTHORIZATION, bearer(key));
    }

    /** The webhooks table in memory; the outbox's queries belong to the sender, not to this resource. */
    private static final class InMemoryWebhooks implements WebhookDao {
        final Map<String, Webhook> byMerchant = new HashMap<>();

        @Override
        public void register(String merchantId, String url, String secret) {
            byMerchant.put(merchantId, new Webhook(merchantId, url, secret, OffsetDateTime.now(ZoneOffset.UTC)));
        }

        @Override
        public Optional<Webhook> webhookOf(String merchantId) {
            return Optional.ofNullable(byMerchant.get(merchantId));
        }

        @Override
        public int remove(String merchantId) {
            return byMerchant.remove(merchantId) == null ? 0 : 1;
        }

        @Override
        public int[] enqueue(List<QueuedEvent> events) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Delivery> claimDue(int limit, double leaseSeconds, String[] busyMerchants) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delivered(String eventId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void failed(String eventId, String error, double delaySeconds, int maxAttempts) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long pending() {
            throw new UnsupportedOperationException();
        }
    }
}
