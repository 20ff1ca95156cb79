package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The merchant portal in headless Chromium (Debian's chromium and chromedriver): enter a key,
 * upload a file, watch it reach DONE, open its failed items. Saves a screenshot to
 * {@code target/portal-screenshots}. Skipped where Chromium is not installed, unless
 * {@code REQUIRE_BROWSER_TESTS} is set (CI sets it).
 */
class MerchantPortalTest {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void aMerchantUploadsAFileAndWatchesItReachDone() throws Exception {
        boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if (System.getenv("REQUIRE_BROWSER_TESTS") == null) {
            Assumptions.assumeTrue(installed, "chromium and chromedriver are not installed");
        }
        assertThat(installed).as("chromium and chromedriver installed").isTrue();

        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-portal-" + run, "Portal");
        Path catalog = dir.resolve("catalog-" + run + ".ndjson");
        Files.writeString(catalog, String.join("\n",
                "{\"sku\":\"lamp\",\"title\":\"Lamp\",\"price\":12.5,\"currency\":\"EUR\",\"images\":[\"" + Pipeline.infra().imageOrigin.imageUrl("lamp-" + run) + "\"]}",
                "{\"sku\":\"desk\",\"title\":\"Desk\",\"price\":120,\"currency\":\"EUR\",\"images\":[\"" + Pipeline.infra().imageOrigin.imageUrl("desk-" + run) + "\"]}",
                "{\"sku\":\"chair\",\"title\":\"Chair\",\"price\":45,\"currency\":\"EUR\",\"images\":[\"" + Pipeline.infra().imageOrigin.baseUrl() + "/status/404\"]}"));

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,800", "--user-data-dir=" + dir.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200));
            browser.get(Pipeline.stack().statusUrl() + "/portal");
            // The page wires its forms once its configuration has loaded, which fills in the ingest URL.
            wait.until(b -> !b.findElement(By.id("ingest-url")).getAttribute("value").isEmpty());
            browser.findElement(By.id("api-key")).sendKeys(key);
            WebElement ingest = browser.findElement(By.id("ingest-url"));
            ingest.clear();
            ingest.sendKeys(Pipeline.stack().ingestUrl());
            browser.findElement(By.id("connect")).click();

            browser.findElement(By.id("file")).sendKeys(catalog.toAbsolutePath().toString());
            browser.findElement(By.id("upload")).click();
            wait.until(b -> b.findElement(By.id("message")).getText().contains("accepted: 3 item(s)"));

            // The table is rebuilt every few seconds: find the row afresh on each try.
            wait.ignoring(StaleElementReferenceException.class);
            List<String> done = wait.until(b -> {
                List<WebElement> rows = b.findElements(By.cssSelector("#uploads tr.upload.status-DONE"));
                return rows.isEmpty() ? null : Stream.of("percent", "succeeded", "failed")
                        .map(cell -> rows.get(0).findElement(By.className(cell)).getText()).toList();
            });
            assertThat(done).containsExactly("100%", "2", "1");

            wait.until(b -> {
                b.findElement(By.cssSelector("#uploads tr.upload.status-DONE")).click();
                return true;
            });
            wait.until(b -> b.findElement(By.id("failed-section")).isDisplayed());
            assertThat(browser.findElement(By.cssSelector("#failed tbody")).getText()).contains("chair").contains("IMAGE_NOT_FOUND");

            Path shots = Path.of("target", "portal-screenshots");
            Files.createDirectories(shots);
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("portal-done.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }
}
