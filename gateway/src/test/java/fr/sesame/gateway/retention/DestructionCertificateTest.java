package fr.sesame.gateway.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.gateway.crypto.EvidenceKey;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The destruction certificate: signed with the evidence key, any change breaks it, another key does not verify it;
 * written with a PDF that says the same. And the retention dates an election carries.
 */
class DestructionCertificateTest {
  private static final EvidenceKey KEY = EvidenceKey.generate();

  static JsonObject unsigned() {
    return new JsonObject().put("type", DestructionCertificate.TYPE).put("version", 1).put("electionId", "cse-2026")
        .put("electionName", "Élections du CSE — 2026").put("closesAt", "2026-12-10T17:00:00Z")
        .put("recourseEndsAt", "2027-03-10T17:00:00Z").put("logsKeptUntil", "2027-06-08T17:00:00Z")
        .put("requestedAt", "2027-06-09T08:00:00Z")
        .put("requestedBy", new JsonObject().put("id", "s1").put("name", "Anne Organisatrice").put("role", "organiser"))
        .put("approvedAt", "2027-06-09T09:00:00Z")
        .put("approvedBy", new JsonObject().put("id", "s2").put("name", "Luc Responsable").put("role", "controller"))
        .put("completedAt", "2027-06-09T09:00:05Z")
        .put("removed", new JsonObject().put("voters", 1200).put("emargements", 870))
        .put("kept", "the checkpoints");
  }

  @Test
  void theSignatureVerifiesWithTheEvidenceKeyAndAnyChangeBreaksIt() {
    JsonObject c = DestructionCertificate.sign(unsigned(), KEY);

    assertThat(c.getString("kid")).isEqualTo(KEY.kid());
    assertThat(DestructionCertificate.verify(c, KEY.publicKey())).isTrue();
    assertThat(DestructionCertificate.verify(new JsonObject(c.encode()), KEY.publicKey())).as("read back").isTrue();
    JsonObject fewer = c.copy();
    fewer.getJsonObject("removed").put("voters", 1199);
    assertThat(DestructionCertificate.verify(fewer, KEY.publicKey())).isFalse();
    assertThat(DestructionCertificate.verify(c.copy().put("approvedAt", "2027-06-10T09:00:00Z"), KEY.publicKey()))
        .isFalse();
    assertThat(DestructionCertificate.verify(c, EvidenceKey.generate().publicKey())).isFalse();
    JsonObject unsignedCopy = c.copy();
    unsignedCopy.remove("signature");
    assertThat(DestructionCertificate.verify(unsignedCopy, KEY.publicKey())).isFalse();
  }

  @Test
  void itIsWrittenWithAPdfThatSaysTheSame(@TempDir Path dir) throws Exception {
    JsonObject c = DestructionCertificate.sign(unsigned(), KEY);

    DestructionCertificate.write(dir, c);

    JsonObject read = new JsonObject(Files.readString(DestructionCertificate.jsonFile(dir, "cse-2026")));
    assertThat(read).isEqualTo(c);
    assertThat(DestructionCertificate.verify(read, KEY.publicKey())).isTrue();
    try (PDDocument doc = Loader.loadPDF(DestructionCertificate.pdfFile(dir, "cse-2026").toFile())) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("Certificat de destruction", "Élections du CSE", "Anne Organisatrice",
          "Luc Responsable", "voters : 1200", "emargements : 870", KEY.kid());
    }
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
        "cse-2026.destruction.json", "cse-2026.destruction.pdf");
  }

  @Test
  void anElectionKeepsItsDataUntilTheRecoursePeriodAndTheLogsRetentionAreOver() {
    OffsetDateTime opens = OffsetDateTime.parse("2026-12-01T08:00:00+01:00");
    OffsetDateTime closes = OffsetDateTime.parse("2026-12-10T18:00:00+01:00");
    Map<String, College> colleges = Map.of("c", new College("c", SecretKind.BIRTH_DATE, Set.of()));
    Election byDefault = new Election("e", "E", opens, closes, colleges, Set.of("FR"), null, 20);
    assertThat(byDefault.recourseEnd()).isEqualTo(Instant.parse("2027-03-10T17:00:00Z"));
    assertThat(byDefault.logsKeptUntil()).isEqualTo(Instant.parse("2027-06-08T17:00:00Z"));
    assertThat(byDefault.destroyableFrom()).isEqualTo(byDefault.logsKeptUntil());
    Election longer = new Election("e", "E", opens, closes, colleges, Set.of("FR"), null, 20,
        OffsetDateTime.parse("2027-12-31T00:00:00+01:00"));
    assertThat(longer.destroyableFrom()).isEqualTo(Instant.parse("2027-12-30T23:00:00Z"));
    assertThat(Election.fromJson(longer.toJson())).isEqualTo(longer);
    assertThat(Election.fromJson(byDefault.toJson())).isEqualTo(byDefault);
    assertThatThrownBy(() -> new Election("e", "E", opens, closes, colleges, Set.of("FR"), null, 20, closes))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
