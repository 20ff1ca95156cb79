package io.catalogingest.status.webhooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's webhook endpoint on 127.0.0.1. It records each request as it arrives, then answers
 * 204, at once or (when holding) only after {@link #release()}; it notes how many requests it had
 * open at the same time.
 */
final class Receiver implements AutoCloseable {
    record Request(String eventId, long timestamp, String signature, String body) {}

    /** Longer than any test waits: a held request is released by the test, never by this bound. */
    private static final long MAX_HOLD_SECONDS = 120;

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch release;
    private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpenAtOnce = new AtomicInteger();

    private Receiver(boolean holding) throws IOException {
        this.release = new CountDownLatch(holding ? 1 : 0);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/hooks", exchange -> {
            try (exchange) {
                mostOpenAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
                received.add(new Request(exchange.getRequestHeaders().getFirst(WebhookSender.EVENT_ID),
                        Long.parseLong(exchange.getRequestHeaders().getFirst(WebhookSender.TIMESTAMP)),
                        exchange.getRequestHeaders().getFirst(WebhookSender.SIGNATURE),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                release.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
                open.decrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    static Receiver answering() throws IOException {
        return new Receiver(false);
    }

    static Receiver holdingAnswers() throws IOException {
        return new Receiver(true);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    /** The next request, waiting for it up to 30 s. */
    Request next() throws InterruptedException {
        Request request = received.poll(30, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached " + url() + " within 30 s");
        }
        return request;
    }

    boolean receivedNothingMore() {
        return received.isEmpty();
    }

    int mostOpenAtOnce() {
        return mostOpenAtOnce.get();
    }

    void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        handlers.shutdownNow();
    }
}
