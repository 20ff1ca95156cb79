package io.catalogingest.devstack;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP origin that serves generated PNG images: {@code GET /images/{name}.png?w=64&h=64}.
 * The same name and size always give the same bytes ({@code &noise=true} fills them with
 * incompressible pixels). {@code &latencyMs=50} simulates a slow merchant server. Misbehaviour on request:
 * {@code /status/{code}} answers that status, {@code /flaky/{name}.png?failures=N} answers 500 to
 * the first N requests for a name and then the image, {@code /outage/{name}.png} answers 500 while
 * {@link #outage} is on, {@code /stalled/{name}} accepts the request and never answers (until the
 * origin closes), so a client's timeout fires whatever the machine's load, {@code /dripping/{name}}
 * answers 200 and then a byte every 50 ms without end, so only a total deadline stops it, {@code /text/{name}} answers HTML,
 * {@code /frameless.gif} a GIF header with no frame (the JDK's reader throws on it), and
 * {@code /redirect?to=URL} (or {@code ?hops=N}, a chain of N redirects to an image) redirects.
 */
public final class ImageOrigin implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "image-origin");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

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
        server.createContext("/flaky/", origin::serveFlaky);
        server.createContext("/outage/", origin::serveOutage);
        server.createContext("/status/", origin::serveStatus);
        server.createContext("/stalled/", origin::serveStalled);
        server.createContext("/dripping/", origin::serveDripping);
        server.createContext("/text/", origin::serveText);
        server.createContext("/frameless.gif", origin::serveFramelessGif);
        server.createContext("/redirect", origin::serveRedirect);
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

    private final Map<String, AtomicLong> flakyRequests = new ConcurrentHashMap<>();

    private void serveFlaky(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        long failures = Long.parseLong(query(uri).getOrDefault("failures", "1"));
        long seen = flakyRequests.computeIfAbsent(uri.getPath(), k -> new AtomicLong()).incrementAndGet();
        if (seen <= failures) {
            try (exchange) {
                exchange.sendResponseHeaders(500, -1);
            }
            return;
        }
        serveImage(exchange, "/flaky/");
    }

    private final AtomicBoolean outage = new AtomicBoolean();

    /** While on, {@code /outage/{name}.png} answers 500; once off, the image. */
    public void outage(boolean on) {
        outage.set(on);
    }

    private void serveOutage(HttpExchange exchange) throws IOException {
        if (outage.get()) {
            try (exchange) {
                exchange.sendResponseHeaders(500, -1);
            }
            return;
        }
        serveImage(exchange, "/outage/");
    }

    private final CountDownLatch closed = new CountDownLatch(1);

    private void serveStalled(HttpExchange exchange) {
        try (exchange) {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A byte every 50 ms for as long as the client reads: no read ever waits long, the body never ends. */
    private void serveDripping(HttpExchange exchange) {
        try (exchange) {
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            while (!closed.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                body.write(0);
                body.flush();
            }
        } catch (IOException e) {
            // the client gave up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveStatus(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.sendResponseHeaders(Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length())), -1);
        } catch (NumberFormatException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }

    private void serveText(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = "<html><body>not an image</body></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "image/png"); // lies, as real origins do
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** "GIF89a", a 1x1 logical screen without a colour table, and the trailer: no frame at all. */
    private static final byte[] FRAMELESS_GIF = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, 0x3B};

    private void serveFramelessGif(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "image/gif");
            exchange.sendResponseHeaders(200, FRAMELESS_GIF.length);
            exchange.getResponseBody().write(FRAMELESS_GIF);
        }
    }

    private void serveRedirect(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI());
            int hops = Integer.parseInt(query.getOrDefault("hops", "0"));
            String location = query.containsKey("to") ? java.net.URLDecoder.decode(query.get("to"), java.nio.charset.StandardCharsets.UTF_8)
                    : hops > 1 ? "/redirect?hops=" + (hops - 1) : "/images/redirected.png";
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(302, -1);
        }
    }

    private void serveImage(HttpExchange exchange) throws IOException {
        serveImage(exchange, "/images/");
    }

    private void serveImage(HttpExchange exchange, String prefix) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String file = uri.getPath().substring(prefix.length());
            if (!file.endsWith(".png") || file.length() == ".png".length()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Map<String, String> query = query(uri);
            int width = Integer.parseInt(query.getOrDefault("w", "64"));
            int height = Integer.parseInt(query.getOrDefault("h", "64"));
            long delayMs = Long.parseLong(query.getOrDefault("latencyMs", "0"));
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            String name = file.substring(0, file.length() - ".png".length());
            boolean noise = Boolean.parseBoolean(query.getOrDefault("noise", "false"));
            byte[] body = cache.computeIfAbsent(name + "@" + width + "x" + height + (noise ? "~" : ""),
                    k -> png(name, width, height, noise));
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
    static byte[] png(String name, int width, int height, boolean noise) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        if (noise) {
            java.util.Random random = new java.util.Random(name.hashCode());
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.setRGB(x, y, random.nextInt(0x1000000));
                }
            }
        } else {
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(name.hashCode() & 0xFFFFFF));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(~name.hashCode() & 0xFFFFFF));
            g.fillRect(width / 4, height / 4, width / 2, height / 2);
            g.dispose();
        }
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
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
