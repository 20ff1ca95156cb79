package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.metrics.PrometheusEndpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard (ops/grafana) and the alert rules (ops/prometheus) ask only for series the running
 * services export on {@code /prometheus}: every metric name they use, with its label matchers.
 */
class MonitoringTest {
    private static final Path OPS = ServiceConfigs.ROOT.resolve("ops");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*");
    private static final List<String> KEYWORDS = List.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset");

    /** Every exported series: its name and labels. */
    private static final List<Map.Entry<String, Map<String, String>>> exported = new ArrayList<>();

    @BeforeAll
    static void scrape() throws Exception {
        // The stack first: Pipeline sets the HTTP client's properties, read once when the first client is made.
        LocalStack stack = Pipeline.stack();
        HttpClient http = HttpClient.newHttpClient();
        for (String service : List.of("ingest-api", "workers", "status-service")) {
            HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(URI.create(
                    stack.adminUrl(service) + PrometheusEndpoint.PATH)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scraped.statusCode()).as(service).isEqualTo(200);
            assertThat(scraped.headers().firstValue("Content-Type").orElse("")).as(service).startsWith("text/plain");
            for (String line : scraped.body().split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (!line.startsWith("#") && sample.matches()) {
                    exported.add(Map.entry(sample.group(1), labels(sample.group(3) == null ? "" : sample.group(3))));
                }
            }
        }
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = MATCHER.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(3));
        }
        return labels;
    }

    /** The selectors of an expression: metric names with their label matchers, functions and keywords left out. */
    static List<String> selectors(String expr) {
        String bare = expr.replaceAll("\\[[^]]*](?![^{]*})", " ") // ranges and subqueries, not a [...] in a label's regex
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ") // grouping labels
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"(?![^{]*})", "\"\""); // strings outside selectors
        List<String> selectors = new ArrayList<>();
        Matcher m = SELECTOR.matcher(bare);
        while (m.find()) {
            String name = m.group(1);
            boolean function = bare.substring(m.end(1)).stripLeading().startsWith("(") && m.group(2) == null;
            if (!function && !KEYWORDS.contains(name) && !(m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1)))) {
                selectors.add(name + (m.group(2) == null ? "" : m.group(2)));
            }
        }
        return selectors;
    }

    private static void assertExported(String where, String expr) {
        List<String> selectors = selectors(expr);
        assertThat(selectors).as(where + ": an expression without a metric").isNotEmpty();
        for (String selector : selectors) {
            Matcher m = SELECTOR.matcher(selector);
            assertThat(m.matches()).isTrue();
            String name = m.group(1);
            List<String[]> matchers = new ArrayList<>();
            Matcher label = MATCHER.matcher(m.group(2) == null ? "" : m.group(2));
            while (label.find()) {
                matchers.add(new String[] {label.group(1), label.group(2), label.group(3)});
            }
            assertThat(exported).as("%s uses %s, which no service exports", where, selector)
                    .anyMatch(e -> e.getKey().equals(name) && matchers.stream().allMatch(x -> matches(e.getValue(), x)));
        }
    }

    private static boolean matches(Map<String, String> labels, String[] matcher) {
        String value = labels.getOrDefault(matcher[0], "");
        return switch (matcher[1]) {
            case "=" -> value.equals(matcher[2]);
            case "!=" -> !value.equals(matcher[2]);
            case "=~" -> value.matches(matcher[2]);
            default -> !value.matches(matcher[2]);
        };
    }

    @Test
    void theParserFindsTheMetricsOfAnExpression() {
        assertThat(selectors("sum by (job) (rate(a_total[5m])) + max(b{quantile=\"0.99\"}) > 0 and on(x) delta(c[10m:1m]) > 1e3"))
                .containsExactly("a_total", "b{quantile=\"0.99\"}", "c");
        assertThat(selectors("max by (stage) (label_replace(d, \"stage\", \"x\", \"\", \"\")) > 100")).containsExactly("d");
        assertThat(selectors("max(e{client_id=~\".*-[0-9]+-consumer\"}[5m])")).containsExactly("e{client_id=~\".*-[0-9]+-consumer\"}");
    }

    @Test
    void everyDashboardQueryUsesExportedMetrics() throws IOException {
        JsonNode dashboard = ServiceConfigs.YAML.readTree(OPS.resolve("grafana/catalog-ingest.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertExported("panel \"" + panel.path("title").asText() + "\"", target.path("expr").asText());
            }
        }
    }

    @Test
    void everyAlertRuleUsesExportedMetrics() throws IOException {
        JsonNode rules = ServiceConfigs.YAML.readTree(Files.readString(OPS.resolve("prometheus/alerts.yml")));
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                assertExported("alert " + rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        assertThat(alerts).contains("ConsumerLagGrowing", "DeadLettersGrowing", "UploadWithoutProgress", "StatusFoldDeadLetters",
                "WebhookOutboxDown");
    }
}
