package fr.sesame.gateway.http.pages;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Renders the hosted pages: server-side Mustache templates (HTML-escaped), French first, English too, with
 * the headers every page carries (a Content-Security-Policy with no script at all, no framing, no caching).
 */
public final class Pages {
  public static final List<String> LANGUAGES = List.of("fr", "en");
  /** The pages that load the gateway's one script (a countdown; each works without it): no inline script ever. */
  private static final java.util.Set<String> SCRIPTED = java.util.Set.of("code");
  private static final String BASE = "fr/sesame/gateway/pages/";
  private final Map<String, Template> templates = new HashMap<>();
  private final Map<String, Map<String, String>> texts = new HashMap<>();

  public Pages() {
    // an empty string is false: a section on it (a link, a notice) is not shown
    Mustache.Compiler compiler = Mustache.compiler().escapeHTML(true).defaultValue("").emptyStringIsFalse(true);
    for (String name : List.of("layout", "login", "channel", "code", "message", "waiting", "console-login", "console-code",
        "console-invitation", "console-enrol", "console-home", "console-voter", "console-election", "console-import",
        "console-import-job", "console-campaigns", "console-campaign",
        "console-election-form", "console-team", "console-journal",
        "console-alerts", "console-providers", "console-incidents", "console-destruction",
        "console-seals")) {
      templates.put(name, compiler.compile(read(BASE + name + ".mustache")));
    }
    for (String lang : LANGUAGES) {
      Properties p = new Properties();
      try (Reader r = read(BASE + "texts_" + lang + ".properties")) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, String> t = new HashMap<>();
      p.stringPropertyNames().forEach(k -> t.put(k, p.getProperty(k)));
      texts.put(lang, Map.copyOf(t));
    }
  }

  private static Reader read(String resource) {
    InputStream in = Pages.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing resource " + resource);
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  /** The texts of {@code lang}, by key. */
  public Map<String, String> texts(String lang) {
    return texts.get(lang);
  }

  /** A text with its {@code {0}} arguments filled. */
  public String text(String lang, String key, Object... args) {
    String pattern = texts.get(lang).get(key);
    if (pattern == null) {
      throw new IllegalArgumentException("no text " + key);
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern.replace("'", "''"), Locale.forLanguageTag(lang))
        .format(args);
  }

  /**
   * The language of a page: {@code ?lang=} when one of ours, else {@code preferred} (the flow's), else the first
   * of {@code Accept-Language} we have, else French.
   */
  public static String language(RoutingContext ctx, String preferred) {
    String asked = ctx.request().getParam("lang");
    if (asked != null && LANGUAGES.contains(asked)) {
      return asked;
    }
    if (preferred != null && LANGUAGES.contains(preferred)) {
      return preferred;
    }
    String header = ctx.request().getHeader("Accept-Language");
    if (header != null) {
      try {
        for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
          String tag = range.getRange().toLowerCase(Locale.ROOT);
          for (String lang : LANGUAGES) {
            if (tag.equals(lang) || tag.startsWith(lang + "-")) {
              return lang;
            }
          }
        }
      } catch (IllegalArgumentException e) {
        // a malformed header: French
      }
    }
    return "fr";
  }

  /**
   * Writes a page.
   *
   * @param formTarget where a form of the page may lead after a redirect (the client's redirect URI), for the
   *                   CSP's {@code form-action}; null when only this site
   */
  public void render(RoutingContext ctx, int status, String template, String lang, String title,
                     Map<String, Object> model, URI formTarget) {
    Map<String, Object> m = new HashMap<>(model);
    m.put("lang", lang);
    m.put("t", texts.get(lang));
    m.put("title", title);
    String other = lang.equals("fr") ? "en" : "fr";
    // the link reloads the page in the other language: a GET of the page's own path (a form posted to another
    // path, such as /resend, names the page it shows in "switchPath")
    m.putIfAbsent("switchHref", model.getOrDefault("switchPath", ctx.request().path()) + "?lang=" + other);
    m.put("switchLang", other);
    m.put("switchLabel", texts.get(lang).get("switchLabel"));
    String html;
    try {
      Template page = templates.get(template);
      if (page == null) {
        throw new IllegalStateException("no page template " + template + " (list it in Pages)");
      }
      m.put("body", page.execute(m));
      html = templates.get("layout").execute(m);
    } catch (RuntimeException e) {
      // a page that cannot be drawn is the server's fault: answered at once (the failure handler's 500), never
      // left to hang, as an exception thrown in a future's callback would leave it
      ctx.fail(e);
      return;
    }
    HttpServerResponse response = ctx.response();
    String formAction = "'self'" + (formTarget == null ? "" : " " + origin(formTarget));
    response.setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Language", lang)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
            + (SCRIPTED.contains(template) || m.get("refresh") != null ? "script-src 'self'; " : "")
            + "form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'")
        .end(html);
  }

  /** The origin of a URI, as CSP names it. */
  static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }
}
