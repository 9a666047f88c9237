package fr.sesame.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core, run in the page a {@link WebDriver} shows: the vendored {@code axe.min.js} (axe-core
 * {@value #VERSION}, {@code fr/sesame/testkit/axe/} in this module's resources) is injected through the driver,
 * then {@code axe.run(document)} checks the rules tagged {@link #TAGS}: WCAG 2.0, 2.1 and 2.2 levels A and AA,
 * plus axe's best practices. The injection goes through WebDriver, not a {@code <script>} element, so the
 * page's Content-Security-Policy does not stop it, and it works with JavaScript blocked for the page.
 *
 * <p>Only violations are reported: axe's "incomplete" results (what it could not decide, such as contrast
 * over a background image) are not failures here.
 *
 * <pre>{@code
 * browser.open(base + "/login");
 * browser.axe().assertNoViolations("the login page, after a wrong code");
 * }</pre>
 */
public final class Axe {
  /** The vendored axe-core's version. */
  public static final String VERSION = "4.14.1";
  /** The rule tags that {@link #violations()} runs. */
  public static final List<String> TAGS =
      List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice");

  private static final String RESOURCE = "/fr/sesame/testkit/axe/axe.min.js";
  private static volatile String source;

  // Returns plain values (lists, maps, strings) that WebDriver hands back as Java lists and maps.
  // With JavaScript blocked for the page (Browser.withoutJavaScript()), the scripts WebDriver runs still run,
  // but timers never fire (nor does queueMicrotask), and axe yields between rules with setTimeout(fn, 0): for
  // the run, a zero-delay timer becomes a promise reaction (delayed ones only guard against frames that never
  // answer, and are dropped).
  // The page's scripting flag shows in how it parses <noscript>: as elements only when scripting is off.
  private static final String RUN = """
      const callback = arguments[arguments.length - 1];
      const probe = document.createElement('div');
      probe.innerHTML = '<noscript><p></p></noscript>';
      const scriptless = probe.querySelector('noscript p') !== null;
      const setTimeoutBefore = window.setTimeout;
      if (scriptless) {
        window.setTimeout = (fn, ms, ...args) => { if (!ms) Promise.resolve().then(() => fn(...args)); return 0; };
      }
      const done = result => { window.setTimeout = setTimeoutBefore; callback(result); };
      axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
        .then(r => done({ version: axe.version, violations: r.violations.map(v => ({
            id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({
              target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
              html: n.html, summary: n.failureSummary || '' })) })) }))
        .catch(e => done({ error: String(e && e.stack || e) }));
      """;

  private final WebDriver driver;

  /** axe on whatever page {@code driver} shows when {@link #violations()} is called. */
  public Axe(WebDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
  }

  /** One rule that failed, and where. */
  public record Violation(String id, String impact, String help, String helpUrl, List<Node> nodes) {
    public Violation {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * One element that failed a rule.
   *
   * @param target CSS selectors that reach it (one per frame or shadow root, outermost first)
   * @param html the start of its markup
   * @param summary axe's "Fix any of the following" text
   */
  public record Node(List<String> target, String html, String summary) {
    public Node {
      target = List.copyOf(target);
    }
  }

  /**
   * The violations on the current page, in axe's order (empty when none).
   *
   * @throws IllegalStateException when axe could not run (its error is in the message)
   */
  public List<Violation> violations() {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
      js.executeScript(source());
    }
    Object raw = js.executeAsyncScript(RUN, TAGS);
    if (!(raw instanceof Map<?, ?> result)) throw new IllegalStateException("axe returned " + raw);
    if (result.containsKey("error")) throw new IllegalStateException("axe failed: " + result.get("error"));
    if (!VERSION.equals(result.get("version"))) {
      throw new IllegalStateException("the page has axe " + result.get("version") + ", not " + VERSION);
    }
    List<Violation> out = new ArrayList<>();
    for (Object v : (List<?>) result.get("violations")) {
      Map<?, ?> m = (Map<?, ?>) v;
      List<Node> nodes = new ArrayList<>();
      for (Object n : (List<?>) m.get("nodes")) {
        Map<?, ?> node = (Map<?, ?>) n;
        List<String> target = ((List<?>) node.get("target")).stream().map(String::valueOf).toList();
        nodes.add(new Node(target, String.valueOf(node.get("html")), String.valueOf(node.get("summary"))));
      }
      out.add(new Violation(String.valueOf(m.get("id")), String.valueOf(m.get("impact")),
          String.valueOf(m.get("help")), String.valueOf(m.get("helpUrl")), nodes));
    }
    return List.copyOf(out);
  }

  /**
   * Fails with an {@link AssertionError} listing every violation (rule, impact, help, and each element's
   * selector, markup and what to fix) when the current page has any.
   *
   * @param pageDescription what the page is and in which state ("the login page, after a wrong code"): it
   *     heads the failure message
   */
  public void assertNoViolations(String pageDescription) {
    List<Violation> violations = violations();
    if (!violations.isEmpty()) {
      throw new AssertionError(report(pageDescription, driver.getCurrentUrl(), violations));
    }
  }

  /** The failure message of {@link #assertNoViolations}. */
  static String report(String page, String url, List<Violation> violations) {
    StringBuilder sb = new StringBuilder()
        .append("axe-core ").append(VERSION).append(" found ").append(violations.size())
        .append(violations.size() == 1 ? " violation" : " violations").append(" on ").append(page)
        .append(" (").append(url).append("):");
    int i = 0;
    for (Violation v : violations) {
      sb.append("\n").append(++i).append(". ").append(v.id()).append(" [").append(v.impact()).append("] ")
          .append(v.help()).append(" - ").append(v.helpUrl());
      for (Node n : v.nodes()) {
        sb.append("\n     at ").append(String.join(" ", n.target())).append("  ").append(oneLine(n.html()));
        for (String line : n.summary().split("\n")) {
          if (!line.isBlank()) sb.append("\n        ").append(line.strip());
        }
      }
    }
    return sb.toString();
  }

  private static String oneLine(String html) {
    String s = html.replaceAll("\\s+", " ");
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }

  private static String source() {
    String s = source;
    if (s == null) {
      try (InputStream in = Axe.class.getResourceAsStream(RESOURCE)) {
        if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
        s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE, e);
      }
      source = s;
    }
    return s;
  }
}
