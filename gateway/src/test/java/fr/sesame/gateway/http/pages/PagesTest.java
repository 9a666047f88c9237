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
