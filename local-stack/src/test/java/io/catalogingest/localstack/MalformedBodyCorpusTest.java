package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Hostile and broken bodies get a 4xx problem every time, never a 5xx, and enqueue nothing. */
class MalformedBodyCorpusTest {
    private record Sample(String contentType, byte[] body, String... headers) {}

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Sample> corpus() {
        String item = "{\"sku\":\"X\",\"title\":\"T\",\"price\":1,\"currency\":\"EUR\"}";
        Map<String, Sample> c = new LinkedHashMap<>();
        c.put("empty JSON body", new Sample("application/json", new byte[0]));
        c.put("empty NDJSON body", new Sample("application/x-ndjson", new byte[0]));
        c.put("empty CSV body", new Sample("text/csv", new byte[0]));
        c.put("empty array", new Sample("application/json", utf8("[]")));
        c.put("truncated JSON", new Sample("application/json", utf8("[" + item + ",{\"sku\":\"Y\",\"ti")));
        c.put("object instead of array", new Sample("application/json", utf8(item)));
        c.put("trailing garbage", new Sample("application/json", utf8("[" + item + "] trailing")));
        c.put("invalid UTF-8 in JSON", new Sample("application/json", concat(utf8("[{\"sku\":\"X\",\"title\":\""),
                new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\",\"price\":1,\"currency\":\"EUR\"}]"))));
        c.put("invalid UTF-8 in NDJSON", new Sample("application/x-ndjson", concat(utf8("{\"sku\":\""),
                new byte[] {(byte) 0xFF, (byte) 0xFE}, utf8("\"}\n"))));
        c.put("deep nesting", new Sample("application/json", utf8("[" + "[".repeat(100_000))));
        c.put("enormous number", new Sample("application/json", utf8("[{\"sku\":\"X\",\"title\":\"T\",\"price\":1" + "0".repeat(100_000)
                + ",\"currency\":\"EUR\"}]")));
        c.put("enormous string", new Sample("application/json", utf8("[{\"sku\":\"" + "x".repeat(3_000_000) + "\"}]")));
        c.put("only invalid items", new Sample("application/x-ndjson", utf8("{\"sku\":\"\"}\nnot json\n")));
        c.put("wrong content type", new Sample("application/xml", utf8("<products/>")));
        c.put("no content type", new Sample("application/octet-stream", utf8("[" + item + "]")));
        c.put("CSV without required columns", new Sample("text/csv", utf8("name,cost\nx,1\n")));
        c.put("CSV with an unterminated quoted newline", new Sample("text/csv",
                utf8("sku,title,price,currency\nX,\"open quote\nnever closed,1,EUR\n")));
        c.put("CSV row with too many columns", new Sample("text/csv", utf8("sku,title,price,currency\nX,T,1,EUR,extra,more\n")));
        c.put("byte-order mark then garbage", new Sample("application/json", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                utf8("{not json"))));
        c.put("gzip header that is not gzip", new Sample("application/json", utf8("[" + item + "]"), "Content-Encoding", "gzip"));
        c.put("unknown content encoding", new Sample("application/json", utf8("[" + item + "]"), "Content-Encoding", "br"));
        c.put("unknown mode", new Sample("application/json", utf8("[" + item + "]")));
        c.put("invalid idempotency key", new Sample("application/json", utf8("[" + item + "]"), "Idempotency-Key", "has space"));
        return c;
    }

    @Test
    void everyMalformedBodyGetsA4xxProblemAndNothingIsEnqueued() {
        String merchant = "m-corpus-" + UUID.randomUUID();
        String key = Pipeline.stack().createMerchant(merchant, "Corpus");
        Map<String, Integer> statuses = new LinkedHashMap<>();
        corpus().forEach((name, sample) -> {
            String url = Pipeline.uploadsUrl() + (name.equals("unknown mode") ? "?mode=sometimes" : "");
            // A refusal before the whole body is read may close the connection: one client per sample.
            Pipeline.Reply r = Pipeline.upload(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), url, key, sample.contentType(), sample.body(), sample.headers());
            statuses.put(name, r.status());
            assertThat(r.status()).as(name).isBetween(400, 499);
            assertThat(r.body().path("code").asText()).as(name + " has a problem code").isNotBlank();
        });
        System.out.println("malformed corpus statuses: " + statuses);
        assertThat(TopicReader.products(merchant)).isEmpty();
        assertThat(TopicReader.uploads(merchant)).isEmpty();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
