package io.catalogingest.devstack;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP origin that serves generated PNG images: {@code GET /images/{name}.png?w=64&h=64}.
 * The same name and size always give the same bytes. A latency, set for the whole origin or per
 * request ({@code &latencyMs=50}), simulates a slow merchant server.
 */
public final class ImageOrigin implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "image-origin");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile Duration latency = Duration.ZERO;

    private ImageOrigin(HttpServer server) {
        this.server = server;
    }

    public static ImageOrigin start() throws IOException {
        return start(0);
    }

    public static ImageOrigin start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        ImageOrigin origin = new ImageOrigin(server);
        server.createContext("/images/", origin::serveImage);
        server.setExecutor(origin.executor);
        server.start();
        return origin;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String imageUrl(String name) {
        return baseUrl() + "/images/" + name + ".png";
    }

    public void setLatency(Duration latency) {
        this.latency = latency;
    }

    public long requestCount() {
        return requests.get();
    }

    private void serveImage(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String file = uri.getPath().substring("/images/".length());
            if (!file.endsWith(".png") || file.length() == ".png".length()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Map<String, String> query = query(uri);
            int width = Integer.parseInt(query.getOrDefault("w", "64"));
            int height = Integer.parseInt(query.getOrDefault("h", "64"));
            long delayMs = Long.parseLong(query.getOrDefault("latencyMs", Long.toString(latency.toMillis())));
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            String name = file.substring(0, file.length() - ".png".length());
            byte[] body = cache.computeIfAbsent(name + "@" + width + "x" + height, k -> png(name, width, height));
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> result = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    result.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return result;
    }

    /** A deterministic image: its colour derives from the name, so distinct names give distinct bytes. */
    static byte[] png(String name, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(name.hashCode() & 0xFFFFFF));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(~name.hashCode() & 0xFFFFFF));
        g.fillRect(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
