package fr.sesame.gateway.http.problem;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import fr.sesame.gateway.problem.ProblemDescriptions;
import fr.sesame.gateway.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The page each problem type URI answers ({@code GET /problems/<name>}): server-rendered HTML, French first with
 * the English text in a {@code <section lang="en">}, from {@code problem-page.mustache} (every value escaped)
 * and {@link ProblemDescriptions}. Rendered once, at start-up: a missing description stops start-up.
 */
public final class ProblemPages {
  private static final String TEMPLATE = "fr/sesame/gateway/http/problem/problem-page.mustache";
  private final Map<ProblemType, byte[]> pages = new EnumMap<>(ProblemType.class);

  public ProblemPages(ProblemDescriptions descriptions) {
    this(descriptions::of);
  }

  /** Pages from other texts (a test's, to see them escaped). */
  ProblemPages(Function<ProblemType, ProblemDescriptions.Description> descriptions) {
    Template template = template();
    for (ProblemType type : ProblemType.values()) {
      ProblemDescriptions.Description d = descriptions.apply(type);
      String html = template.execute(Map.of("frTitle", d.fr().title(), "enTitle", type.title(),
          "status", Integer.toString(type.status()), "uri", type.uri(), "frWhen", d.fr().when(),
          "frAction", d.fr().action(), "enWhen", d.en().when(), "enAction", d.en().action()));
      pages.put(type, html.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The page of the type named {@code name} (its URI's last segment), UTF-8; empty for no such type. */
  public Optional<byte[]> page(String name) {
    return ProblemType.fromKebabName(name).map(pages::get);
  }

  private static Template template() {
    try (InputStream in = ProblemPages.class.getClassLoader().getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " is missing");
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        // HTML-escaped (the default), and a missing value is an error rather than an empty string
        return Mustache.compiler().escapeHTML(true).strictSections(true).compile(reader);
      }
    } catch (IOException e) {
      throw new IllegalStateException(TEMPLATE + " cannot be read", e);
    }
  }
}
