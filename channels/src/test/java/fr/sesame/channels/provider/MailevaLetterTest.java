package fr.sesame.channels.provider;

import static fr.sesame.testkit.Await.await;
import static fr.sesame.testkit.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import fr.sesame.channels.provider.maileva.MailevaPostProvider;
import fr.sesame.channels.spi.ChannelProvider;
import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.channels.support.FixedContext;
import fr.sesame.testkit.FakeMaileva;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every address the README accepts is posted, and a failed step never leaves a draft sending at Maileva. */
class MailevaLetterTest {
  final Vertx vertx = Vertx.vertx();
  final FakeMaileva maileva = new FakeMaileva(vertx);
  final ChannelProvider provider = new MailevaPostProvider.Factory().create(FixedContext.of(vertx),
      new ProviderSettings("maileva", "maileva", Map.of("authUrl", maileva.authUrl(), "apiUrl", maileva.apiUrl(),
          "clientId", "sesame-client"), Map.of("SESAME_PROVIDER_MAILEVA_CLIENT_SECRET", "s3cret")));

  @AfterEach
  void close() {
    maileva.close();
    vertx.close();
  }

  static Message letterTo(String... lines) {
    return new Message(ChannelKind.POST, String.join("\n", lines), "Vos codes d'accès au vote",
        "Votre identifiant de vote : chloe", "access-letter");
  }

  /** The {@code address_line_N} the fake received, N = 1..6 (null: absent). */
  Map<Integer, String> recipientLines() {
    JsonObject r = new JsonObject(maileva.requests().stream().filter(q -> q.path().endsWith("/recipients"))
        .findFirst().orElseThrow().body());
    assertThat(r.getString("country_code")).isEqualTo("FR");
    Map<Integer, String> lines = new HashMap<>();
    for (int i = 1; i <= 6; i++) {
      if (r.getString("address_line_" + i) != null) {
        lines.put(i, r.getString("address_line_" + i));
      }
    }
    return lines;
  }

  void assertSentTo(Map<Integer, String> expected, String... address) {
    await(provider.send(letterTo(address)));
    assertThat(maileva.submitted()).isEqualTo(1);
    assertThat(maileva.drafts()).isZero();
    assertThat(recipientLines()).isEqualTo(expected);
  }

  @Test
  void twoLines() {
    assertSentTo(Map.of(1, "Chloé Bernard", 6, "75002 Paris"), "Chloé Bernard", "75002 Paris");
  }

  @Test
  void threeLinesPutTheStreetOnLine4() {
    assertSentTo(Map.of(1, "Chloé Bernard", 4, "12 rue de la Paix", 6, "75002 Paris"),
        "Chloé Bernard", "12 rue de la Paix", "75002 Paris");
  }

  @Test
  void fourLinesPutTheBuildingOnLine3() {
    assertSentTo(Map.of(1, "Mme Chloé Bernard", 3, "Résidence Les Tilleuls", 4, "12 rue de la Paix",
        6, "75002 Paris"), "Mme Chloé Bernard", "Résidence Les Tilleuls", "12 rue de la Paix", "75002 Paris");
  }

  @Test
  void fiveLinesPutTheRecipientComplementOnLine2() {
    assertSentTo(Map.of(1, "Mme Chloé Bernard", 2, "Appartement 12, 3e étage", 3, "Résidence Les Tilleuls",
            4, "12 rue de la Paix", 6, "75002 Paris"),
        "Mme Chloé Bernard", "Appartement 12, 3e étage", "Résidence Les Tilleuls", "12 rue de la Paix",
        "75002 Paris");
  }

  @Test
  void sixLinesFillEveryLine() {
    assertSentTo(Map.of(1, "Mme Chloé Bernard", 2, "Appartement 12", 3, "Résidence Les Tilleuls",
            4, "12 rue de la Paix", 5, "Lieu-dit Le Moulin", 6, "13100 Aix-en-Provence"),
        "Mme Chloé Bernard", "Appartement 12", "Résidence Les Tilleuls", "12 rue de la Paix", "Lieu-dit Le Moulin",
        "13100 Aix-en-Provence");
  }

  @Test
  void sevenLinesAreRejectedBeforeAnySending() {
    var e = (ProviderException) failure(provider.send(letterTo("a", "b", "c", "d", "e", "f", "75002 Paris")));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.REJECTED);
    assertThat(maileva.created()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/recipients", "/documents", "/submit"})
  void aStepThatFailsDeletesTheDraft(String step) {
    maileva.failStep(step, 500);
    var e = (ProviderException) failure(provider.send(MailevaPostProviderTest.LETTER));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(maileva.created()).isEqualTo(1);
    assertThat(maileva.drafts()).as("the draft is deleted").isZero();
    assertThat(maileva.submitted()).isZero();
    assertThat(maileva.requests().get(maileva.requests().size() - 1).method()).isEqualTo("DELETE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/recipients", "/documents", "/submit"})
  void aTokenRevokedMidLetterStillDeletesTheDraftWithAFreshToken(String step) {
    maileva.revokeTokenAt(step);
    var e = (ProviderException) failure(provider.send(MailevaPostProviderTest.LETTER));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
    assertThat(maileva.created()).isEqualTo(1);
    assertThat(maileva.drafts()).as("the draft is deleted").isZero();
    List<String> deletes = maileva.requests().stream().filter(r -> r.method().equals("DELETE"))
        .map(r -> r.header("Authorization")).toList();
    assertThat(deletes).as("refused with the old token, done with the new one").containsExactly("Bearer tok-1",
        "Bearer tok-1'");
    // and the next letter goes out with the new token
    await(provider.send(MailevaPostProviderTest.LETTER));
    assertThat(maileva.submitted()).isEqualTo(1);
  }

  @Test
  void aSynchronousThrowAfterTheSendingExistsDeletesTheDraft() {
    var e = failure(provider.send(MailevaPostProviderTest.LETTER, reference -> {
      throw new IllegalStateException("a bug in the checkpoint");
    }));
    assertThat(e).isInstanceOf(ProviderException.class);
    assertThat(maileva.created()).isEqualTo(1);
    assertThat(maileva.drafts()).isZero();
  }
}
