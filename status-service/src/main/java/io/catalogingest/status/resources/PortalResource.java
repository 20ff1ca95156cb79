package io.catalogingest.status.resources;

import java.io.InputStream;
import java.net.URI;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The merchant portal: a static page that uses this service's API with the merchant's key, and
 * the ingest API for uploads (which must allow this origin, see its {@code cors} settings).
 */
@Path("/")
public final class PortalResource {
    private static final Map<String, String> FILES = Map.of(
            "index.html", MediaType.TEXT_HTML + ";charset=utf-8",
            "portal.js", "text/javascript;charset=utf-8",
            "portal.css", "text/css;charset=utf-8");

    private final String ingestUrl;

    public PortalResource(String ingestUrl) {
        this.ingestUrl = ingestUrl;
    }

    @GET
    public Response home() {
        return Response.seeOther(URI.create("/portal/")).build();
    }

    @GET
    @Path("portal")
    public Response portal() {
        return file("index.html");
    }

    @GET
    @Path("portal/config.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> config() {
        return Map.of("ingestUrl", ingestUrl);
    }

    @GET
    @Path("portal/{file}")
    public Response file(@PathParam("file") String file) {
        String name = file.isEmpty() ? "index.html" : file;
        String type = FILES.get(name);
        InputStream content = type == null ? null : PortalResource.class.getResourceAsStream("/portal/" + name);
        if (content == null) {
            throw new NotFoundException("no portal file " + file);
        }
        return Response.ok(content, type).header("Cache-Control", "no-cache").build();
    }
}
