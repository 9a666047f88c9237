package fr.sesame.gateway.http.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The pages' texts: the same keys in French and English, every key a template or the code names exists. */
class PagesTest {
  private static final Path MAIN = Path.of("src/main");

  /**
   * A page that cannot be drawn (here: a template nobody listed) fails its request at once: drawn in a future's
   * callback, as the pages are, an exception would otherwise be swallowed and the browser left waiting.
   */
  @Test
  void aPageThatCannotBeDrawnFailsItsRequestInsteadOfLeavingItHanging() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      Pages pages = new Pages();
      io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
      // drawn once something asynchronous has answered (as a page does after Redis): outside the route's own call
      router.get("/page").handler(ctx -> vertx.timer(10).onSuccess(v ->
          pages.render(ctx, 200, "no-such-page", "fr", "Titre", java.util.Map.of(), null)));
      router.route().failureHandler(ctx -> ctx.response().setStatusCode(500).end("failed: "
          + ctx.failure().getClass().getSimpleName()));
      int port = vertx.createHttpServer().requestHandler(router).listen(0).await().actualPort();
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/page"))
              .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).isEqualTo("failed: IllegalStateException");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void frenchAndEnglishHaveTheSameTexts() {
    Pages pages = new Pages();
    assertThat(new TreeSet<>(pages.texts("en").keySet())).isEqualTo(new TreeSet<>(pages.texts("fr").keySet()));
    pages.texts("fr").forEach((k, v) -> assertThat(v).as(k).isNotBlank());
  }

  @Test
  void everyTextTheTemplatesAndTheCodeNameExists() throws IOException {
    Set<String> named = new TreeSet<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".mustache") || p.toString().contains("/http/")
          && p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        Matcher t = Pattern.compile("\\{\\{#?t\\.([A-Za-z.]+)}}").matcher(text);
        while (t.find()) {
          named.add(t.group(1));
        }
        Matcher c = Pattern.compile("text\\([a-z.()]+, \"([A-Za-z.]+)\"").matcher(text);
        while (c.find()) {
          named.add(c.group(1));
        }
      }
    }
    assertThat(named).hasSizeGreaterThan(30);
    // keys the code completes: "channel." + a code channel, "secret." + a secret kind
    named.removeIf(k -> k.endsWith("."));
    for (String channel : new String[] {"sms", "voice", "email"}) {
      named.add("channel." + channel);
    }
    for (fr.sesame.gateway.domain.SecretKind kind : fr.sesame.gateway.domain.SecretKind.values()) {
      named.add("secret." + kind.name());
    }
    assertThat(new Pages().texts("fr").keySet()).containsAll(named);
  }

  @Test
  void theFrenchTextsAreWrittenWithTheirAccents() throws IOException {
    try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(
        "fr/sesame/gateway/pages/texts_fr.properties")) {
      String fr = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(fr).contains("électorale", "réessayez", "Connexion au vote", "verrouillé")
          .doesNotContainPattern("(?i)\\b(electorale|reessayez|verrouille|expire a|a personne)\\b");
    }
  }
}
