package org.dysonmonitor.http;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (Selenium's W3C client; it never
 * downloads a browser or a driver). A fresh profile per instance; the browser's console is recorded
 * so a test can assert that the page logged no errors.
 *
 * <p>Paths default to {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}; the system
 * properties {@code dyson.chromium} and {@code dyson.chromedriver} override them.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("dyson.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("dyson.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts the browser with a viewport of the given size. Fails (never skips) when Chromium or
     * chromedriver is missing, saying how to install them.
     *
     * @param driverLog where chromedriver writes its log (for a failing CI run)
     */
    static HeadlessChromium start(int width, int height, Path driverLog) {
        requireExecutable(CHROMIUM, "Chromium");
        requireExecutable(CHROMEDRIVER, "chromedriver");
        Path profile;
        try {
            profile = Files.createTempDirectory("dyson-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Headless as root in a container, and quiet: no calls home to a network that is not there.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                .build();
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    private static void requireExecutable(Path path, String what) {
        if (!Files.isExecutable(path)) {
            fail(what + " is not installed at " + path + ": the live page's browser test needs Debian's Chromium "
                    + "and chromedriver. Install them with: apt-get update && apt-get install -y chromium chromium-driver "
                    + "(.ci/run does), or point -Ddyson.chromium / -Ddyson.chromedriver at them.");
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Runs a script in the page and returns its result as a string (scripts here return JSON text). */
    String script(String js, Object... args) {
        Object result = driver.executeScript(js, args);
        return result == null ? null : result.toString();
    }

    /** Console messages (and failed loads) since the last call. */
    List<LogEntry> consoleSinceLastCall() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** Saves a screenshot of the whole page, not only the viewport. */
    void screenshotOfPage(Path to) {
        Dimension viewport = driver.manage().window().getSize();
        long height = ((Number) driver.executeScript(
                "return Math.ceil(document.documentElement.scrollHeight)")).longValue();
        driver.manage().window().setSize(new Dimension(viewport.getWidth(),
                (int) Math.max(viewport.getHeight(), Math.min(height + 100, 4000))));
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(viewport);
        }
    }

    /** Saves a screenshot of one element (scrolled into view). */
    void screenshotOf(org.openqa.selenium.By element, Path to) {
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.write(to, driver.findElement(element).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the browser profile " + root, e);
        }
    }
}
