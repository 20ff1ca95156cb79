package io.catalogingest.status.resources;

import io.catalogingest.common.api.Problem;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.status.api.WebhookRegistration;
import io.catalogingest.status.core.WebhookSignature;
import io.catalogingest.status.core.WebhookUrls;
import io.catalogingest.status.db.WebhookDao;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The merchant's completion webhook: called when an upload is DONE or CANCELLED. Registering
 * (again) issues a new signing secret, shown once.
 */
@Path("/v1/webhook")
@Produces(MediaType.APPLICATION_JSON)
public final class WebhookResource {
    private final WebhookDao dao;

    public WebhookResource(WebhookDao dao) {
        this.dao = dao;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public WebhookRegistration register(@Auth Merchant merchant, WebhookRegistration.Request request) {
        String url = request == null ? null : request.url();
        WebhookUrls.refusal(url).ifPresent(reason -> {
            throw Problem.of(422, "WEBHOOK_URL_INVALID", "Invalid webhook URL", reason).asException();
        });
        String secret = WebhookSignature.newSecret();
        dao.register(merchant.merchantId(), url, secret);
        WebhookDao.Webhook hook = dao.webhookOf(merchant.merchantId()).orElseThrow();
        return new WebhookRegistration(hook.url(), secret, hook.createdAt().toInstant());
    }

    @GET
    public WebhookRegistration get(@Auth Merchant merchant) {
        WebhookDao.Webhook hook = dao.webhookOf(merchant.merchantId()).orElseThrow(() ->
                Problem.of(404, "WEBHOOK_NOT_FOUND", "No webhook", "no webhook is registered for this merchant").asException());
        return new WebhookRegistration(hook.url(), null, hook.createdAt().toInstant());
    }

    @DELETE
    public Response remove(@Auth Merchant merchant) {
        dao.remove(merchant.merchantId());
        return Response.noContent().build();
    }
}
