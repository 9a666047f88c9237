package fr.sesame.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.http.ClientConfig;

/**
 * A headless Chromium driven through Selenium, for tests of server-rendered pages: Debian's {@code chromium}
 * ({@value #CHROMIUM}) through Debian's {@code chromium-driver} ({@value #CHROMEDRIVER}), never a downloaded
 * one. The driver path is given to {@link ChromeDriverService}, so Selenium's {@code DriverFinder} takes it and
 * never runs Selenium Manager (which would try to download a driver and a browser).
 *
 * <p>Each browser has a fresh profile (a temporary {@code --user-data-dir}, deleted on {@link #close()}), a
 * 1280x900 window, French UI ({@code --lang=fr-FR}) and {@code Accept-Language: fr-FR,fr;q=0.9,en;q=0.8}
 * unless told. Starting one takes about 2 s and closing one about as long (2 busy cores): share one per test
 * class ({@code @BeforeAll} / {@code @AfterAll}), one per option set. Its state (cookies, the page) then carries
 * from one test to the next: open the page each test needs, and delete cookies
 * ({@code driver().manage().deleteAllCookies()}) where a session must not carry over. A {@code WebDriver} is
 * not thread-safe: one test thread per browser.
 *
 * <p>When {@value #CHROMIUM} or {@value #CHROMEDRIVER} is missing, {@link #start()} aborts the test (reported
 * as skipped, with the {@code apt-get} line of {@code .ci/run} and a WARN on standard error), so that the
 * README's test command passes on a machine with only a JDK and Maven; with {@code SESAME_BROWSER=require} in
 * the environment (what {@code .ci/run} sets: CI must not pass by skipping) or {@code -Dsesame.browser=require}
 * it fails with an {@link AssertionError} instead. {@code -Dsesame.browser=skip} skips browser tests whether or
 * not they are installed.
 *
 * <p>{@link #close()} quits the driver, then kills whatever is left of its process tree (chromedriver and
 * every Chromium process under it), and deletes the profile. A JVM shutdown hook closes browsers a test
 * forgot.
 *
 * <pre>{@code
 * static Browser browser;
 * @BeforeAll static void start() { browser = Browser.start(); }
 * @AfterAll static void stop() { browser.close(); }
 *
 * browser.open(base + "/vote");
 * browser.axe().assertNoViolations("the ballot page");
 * browser.keyboard().tabTo(By.id("code"));
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  /** Debian's {@code chromium} package. */
  public static final String CHROMIUM = "/usr/bin/chromium";
  /** Debian's {@code chromium-driver} package. */
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  /**
   * The system property that skips browser tests ({@code -Dsesame.browser=skip}) or requires them
   * ({@code -Dsesame.browser=require}, as the environment variable {@code SESAME_BROWSER=require} does).
   */
  public static final String SKIP_PROPERTY = "sesame.browser";
  /** What {@code .ci/run} does when the browser is missing. */
  public static final String INSTALL_LINE = "apt-get update && apt-get install -y chromium chromium-driver";

  /** The window's size in CSS pixels: 1280x900. */
  public static final Dimension WINDOW = new Dimension(1280, 900);
  /** How long a page may take to load, and a script (axe) to run: 30 s. */
  public static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

  private static final Set<Browser> OPEN = ConcurrentHashMap.newKeySet();
  private static final Thread SHUTDOWN_HOOK = new Thread(Browser::closeAllForgotten, "browser-shutdown");

  static {
    Runtime.getRuntime().addShutdownHook(SHUTDOWN_HOOK);
  }

  private final Options options;
  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final List<ProcessHandle> processes;
  private boolean closed;

  /**
   * How to start a browser: JavaScript on or off, and the {@code Accept-Language} header.
   *
   * @param javascript false sets Chrome's {@code profile.managed_default_content_settings.javascript} to 2
   *     (block): pages must work without scripts, and {@code <noscript>} shows. Scripts a test runs through
   *     the driver (axe, the keyboard helpers) still run, but the page's timers and {@code queueMicrotask}
   *     never fire (promise reactions do).
   * @param acceptLanguage the header's value, as Chrome's {@code intl.accept_languages} preference: a
   *     comma-separated list such as {@code "en-GB,en"} (Chrome adds the q-values)
   */
  public record Options(boolean javascript, String acceptLanguage) {
    /** JavaScript on, French first. */
    public static final Options DEFAULTS = new Options(true, "fr-FR,fr,en");

    public Options {
      Objects.requireNonNull(acceptLanguage, "acceptLanguage");
      if (acceptLanguage.isBlank()) throw new IllegalArgumentException("acceptLanguage must not be blank");
    }

    /** These options with JavaScript blocked. */
    public Options withoutJavaScript() {
      return new Options(false, acceptLanguage);
    }

    /** These options with another {@code Accept-Language}. */
    public Options withAcceptLanguage(String languages) {
      return new Options(javascript, languages);
    }
  }

  /** A browser with {@link Options#DEFAULTS}. */
  public static Browser start() {
    return start(Options.DEFAULTS);
  }

  /** A browser with JavaScript blocked, otherwise {@link Options#DEFAULTS}. */
  public static Browser withoutJavaScript() {
    return start(Options.DEFAULTS.withoutJavaScript());
  }

  /**
   * A started browser, on {@code about:blank}.
   *
   * @throws org.opentest4j.TestAbortedException with {@code -Dsesame.browser=skip}
   * @throws AssertionError when {@value #CHROMIUM} or {@value #CHROMEDRIVER} is missing, or it did not start
   */
  public static Browser start(Options options) {
    Objects.requireNonNull(options, "options");
    String skip = System.getProperty(SKIP_PROPERTY, "");
    Assumptions.assumeFalse(
        "skip".equals(skip), "browser tests skipped (-D" + SKIP_PROPERTY + "=skip)");
    boolean required = "require".equals(skip) || "require".equals(System.getenv("SESAME_BROWSER"));
    if (!required && !installed(CHROMIUM, CHROMEDRIVER)) {
      String why = "browser tests skipped: Debian's chromium and chromium-driver are not installed (as root: "
          + INSTALL_LINE + "; .ci/run installs them and requires them)";
      System.err.println("WARN " + why);
      Assumptions.abort(why);
    }
    requireInstalled(CHROMIUM, CHROMEDRIVER);
    return new Browser(options);
  }

  private static boolean installed(String... executables) {
    for (String exe : executables) {
      if (!Files.isExecutable(Path.of(exe))) {
        return false;
      }
    }
    return true;
  }

  /** Fails, saying how to install them, unless every one of {@code executables} is there. */
  static void requireInstalled(String... executables) {
    for (String exe : executables) {
      if (!Files.isExecutable(Path.of(exe))) {
        throw new AssertionError(
            "browser tests need Debian's chromium and chromium-driver, and " + exe + " is missing: install"
                + " them as .ci/run does (as root: " + INSTALL_LINE + "), or skip browser tests on this"
                + " machine with -D" + SKIP_PROPERTY + "=skip");
      }
    }
  }

  private Browser(Options options) {
    this.options = options;
    try {
      this.profile = Files.createTempDirectory("sesame-browser-");
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary directory for the browser profile", e);
    }
    Path driverLog = profile.resolve("chromedriver.log");
    ChromeDriverService svc = null;
    ChromeDriver drv = null;
    try {
      // The executable given here is what keeps Selenium Manager out: DriverFinder only runs it when no
      // driver path comes from the service, SE_CHROMEDRIVER or webdriver.chrome.driver.
      svc = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER))
          .usingAnyFreePort()
          .withLogFile(driverLog.toFile())
          .build();
      drv = new ChromeDriver(svc, chromeOptions(options, profile), ClientConfig.defaultConfig()
          .readTimeout(PAGE_TIMEOUT.plusSeconds(30)));
      drv.manage().timeouts().pageLoadTimeout(PAGE_TIMEOUT).scriptTimeout(PAGE_TIMEOUT)
          .implicitlyWait(Duration.ZERO);
    } catch (RuntimeException | Error e) {
      List<ProcessHandle> started = svc == null ? List.of() : processTreeOf(svc);
      if (drv != null) quietly(drv::quit);
      if (svc != null) quietly(svc::stop);
      started.forEach(ProcessHandle::destroyForcibly);
      String log = tail(driverLog);
      deleteTree(profile);
      throw new AssertionError("Chromium did not start (" + CHROMIUM + " through " + CHROMEDRIVER + "): " + e
          + (log.isEmpty() ? "" : "\nchromedriver's log ends with:\n" + log), e);
    }
    this.service = svc;
    this.driver = drv;
    this.processes = processTreeOf(svc);
    OPEN.add(this);
  }

  private static ChromeOptions chromeOptions(Options options, Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments(
        "--headless=new",
        "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
        "--disable-dev-shm-usage", // /dev/shm is small in containers
        "--lang=fr-FR",
        "--user-data-dir=" + profile,
        "--window-size=" + WINDOW.width + "," + WINDOW.height,
        // Nothing but the pages under test goes on the network: no updates, no sync, no first-run tabs.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check");
    o.setExperimentalOption("prefs", Map.of(
        "intl.accept_languages", options.acceptLanguage(),
        "profile.managed_default_content_settings.javascript", options.javascript() ? 1 : 2));
    return o;
  }

  /** chromedriver (our child, found by its port) and everything under it, to kill if quitting fails. */
  private static List<ProcessHandle> processTreeOf(ChromeDriverService service) {
    int port = service.getUrl().getPort();
    List<ProcessHandle> tree = new ArrayList<>();
    ProcessHandle.current().children()
        .filter(p -> p.info().command().map(c -> c.endsWith("chromedriver")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("--port=" + port)).orElse(false))
        .forEach(p -> {
          tree.add(p);
          p.descendants().forEach(tree::add);
        });
    return List.copyOf(tree);
  }

  /** The options it was started with. */
  public Options options() {
    return options;
  }

  /** The Selenium driver, for anything the helpers here do not cover. */
  public WebDriver driver() {
    return driver;
  }

  /** Loads {@code url} and waits until the document has loaded (at most {@link #PAGE_TIMEOUT}). */
  public Browser open(String url) {
    driver.get(url);
    return this;
  }

  /** The current page's URL. */
  public String url() {
    return driver.getCurrentUrl();
  }

  /** The current page's title. */
  public String title() {
    return driver.getTitle();
  }

  /** The one element {@code by} finds; fails with Selenium's {@code NoSuchElementException} otherwise. */
  public WebElement find(By by) {
    return driver.findElement(by);
  }

  /** Every element {@code by} finds, in document order (empty when none). */
  public List<WebElement> findAll(By by) {
    return driver.findElements(by);
  }

  /** Runs {@code script} in the page (even with JavaScript blocked for the page's own scripts). */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** axe-core on the current page. */
  public Axe axe() {
    return new Axe(driver);
  }

  /** Keyboard-only navigation of the current page. */
  public Keyboard keyboard() {
    return new Keyboard(driver);
  }

  /** The processes of this browser still alive: chromedriver and Chromium's (empty once closed). */
  public List<ProcessHandle> liveProcesses() {
    Stream<ProcessHandle> known = processes.stream();
    Stream<ProcessHandle> later = processes.isEmpty() ? Stream.empty() : processes.get(0).descendants();
    return Stream.concat(known, later).filter(ProcessHandle::isAlive).distinct().toList();
  }

  /** The profile directory (deleted on close). */
  public Path profile() {
    return profile;
  }

  /**
   * Quits the driver (Chromium, then chromedriver), kills any of their processes still alive, and deletes
   * the profile. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    OPEN.remove(this);
    List<ProcessHandle> all = liveProcesses(); // taken before quitting: an orphan leaves our tree
    quietly(driver::quit);
    quietly(service::stop);
    for (ProcessHandle p : all) {
      if (p.isAlive()) p.destroyForcibly();
    }
    for (ProcessHandle p : all) {
      quietly(() -> p.onExit().get(10, TimeUnit.SECONDS));
    }
    deleteTree(profile);
  }

  private static void closeAllForgotten() {
    for (Browser b : List.copyOf(OPEN)) {
      b.close();
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception ignored) {
      // closing: the forced kill after it does what this could not
    }
  }

  private static String tail(Path log) {
    try {
      if (!Files.exists(log)) return "";
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  private static void deleteTree(Path dir) {
    try {
      if (!Files.exists(dir)) return;
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a test for
    }
  }
}
