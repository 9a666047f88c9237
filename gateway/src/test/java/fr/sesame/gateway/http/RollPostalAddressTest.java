package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, point 3 (campaigns by post): the roll's optional ninth column, {@code postalAddress}, its lines separated
 * by {@code |}. The header says whether it is there; a bad address rejects its line with the reason; an address is
 * stored encrypted under its own context, and absent when the roll gives none; a re-import replaces it as it
 * replaces email and phone. Support sees the town only.
 */
class RollPostalAddressTest {
  static final String HEADER_9 = RollImportTest.HEADER + ",postalAddress";
  @RegisterExtension
  static final TestGateway gw = new TestGateway();
  private static final FieldCipher CIPHER = new FieldCipher(TestGateway.DATA_KEY);

  /** The voter's stored postal address, decrypted; null when the hash has none. */
  static String storedAddress(String el, String identifier) {
    String p = TestGateway.pseudonym(el, identifier);
    String enc = TestRedis.sync().hget("gw:{v:" + p + "}", "a");
    return enc == null ? null : CIPHER.decrypt(enc, CipherContext.voter(p, VoterField.POSTAL_ADDRESS));
  }

  private static Map<Long, String> rejections(JsonObject report) {
    return report.getJsonArray("rejections").stream().map(o -> (JsonObject) o)
        .collect(Collectors.toMap(o -> o.getLong("line"), o -> o.getString("reason")));
  }

  @Test
  void aNinthColumnGivesPostalAddressesAndABadOneRejectsItsLineWithTheReason() {
    String el = gw.openElection();
    String csv = String.join("\n", HEADER_9,
        "ann,etudiants,Martin,Ann,,,,12345678,Mme Ann Martin | 12 rue de la Paix | 75002 Paris",     // 2 ok
        "bob,etudiants,Durand,Bob,,bob@univ.fr,,12345678,",                                         // 3 ok: none
        "cat,etudiants,Petit,Cat,,,,12345678,\"M. Cat Petit|Bât. B, appt 4|3 place Carnot|69002 Lyon\"", // 4 ok
        "x1,etudiants,X,X,,,,12345678,12 rue de la Paix",                                          // 5 one line
        "x2,etudiants,X,X,,,,12345678,Mme X | 12 rue de la Paix | Paris",                          // 6 no postal code
        "x3,etudiants,X,X,,,,12345678,Mme X | " + "y".repeat(39) + " | 75002 Paris",               // 7 line too long
        "x4,etudiants,X,X,,,,12345678,a|b|c|d|e|f|75002 Paris",                                    // 8 seven lines
        "x5,etudiants,X,X,,,,12345678");                                                          // 9 8 columns
    Http.Res r = gw.importRoll(el, csv);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getLong("imported")).isEqualTo(3);
    Map<Long, String> reasons = rejections(report);
    assertThat(reasons).containsOnlyKeys(5L, 6L, 7L, 8L, 9L);
    for (long line = 5; line <= 8; line++) {
      assertThat(reasons.get(line)).as("line " + line).startsWith("bad postal address").contains("separated by |");
    }
    assertThat(reasons.get(9L)).isEqualTo("expected 9 columns, found 8");
    assertThat(storedAddress(el, "ann")).isEqualTo("Mme Ann Martin\n12 rue de la Paix\n75002 Paris");
    assertThat(storedAddress(el, "cat")).isEqualTo("M. Cat Petit\nBât. B, appt 4\n3 place Carnot\n69002 Lyon");
    assertThat(TestRedis.sync().hexists("gw:{v:" + TestGateway.pseudonym(el, "bob") + "}", "a"))
        .as("no address: no field").isFalse();
    assertThat(gw.status(el, "x1").status()).isEqualTo(404);
    // the address never decrypts under another field's context
    String enc = TestRedis.sync().hget("gw:{v:" + TestGateway.pseudonym(el, "ann") + "}", "a");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CIPHER.decrypt(enc,
        CipherContext.voter(TestGateway.pseudonym(el, "ann"), VoterField.EMAIL))).isInstanceOf(IllegalStateException.class);
    // support: the town only
    JsonObject status = gw.status(el, "ann").json();
    assertThat(status.getString("postalTown")).isEqualTo("Paris");
    assertThat(status.encode()).doesNotContain("rue de la Paix", "75002");
    assertThat(gw.status(el, "bob").json().getString("postalTown")).isNull();
  }

  @Test
  void aSemicolonRollWithNineColumnsAndAnEightColumnRollStillImport() {
    String el = gw.openElection();
    String semicolons = String.join("\r\n", HEADER_9.replace(',', ';'),
        "ann;etudiants;Martin;Ann;;;;12345678;Mme Ann Martin|12, rue de la Paix|75002 Paris",
        "x1;etudiants;X;X;;;;12345678;Mme X|Paris");
    Http.Res r = gw.importRoll(el, semicolons);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().getString("separator")).isEqualTo(";");
    assertThat(r.json().getLong("imported")).isEqualTo(1);
    assertThat(rejections(r.json()).get(3L)).startsWith("bad postal address");
    assertThat(storedAddress(el, "ann")).isEqualTo("Mme Ann Martin\n12, rue de la Paix\n75002 Paris");

    // the same voter in an 8-column roll: the roll's contacts replace the voter's, the address with them
    Http.Res eight = gw.importRoll(el, String.join("\n", RollImportTest.HEADER.replace(',', ';'),
        "ann;etudiants;Martin;Ann;;ann@univ.fr;;12345678"));
    assertThat(eight.status()).as(eight.body()).isEqualTo(200);
    assertThat(eight.json().getLong("imported")).isEqualTo(1);
    assertThat(eight.json().getLong("rejected")).isZero();
    assertThat(storedAddress(el, "ann")).isNull();
    assertThat(gw.status(el, "ann").json().getString("email")).isEqualTo("a***@u***.fr");

    // a header with the ninth column misspelt is no header
    Http.Res bad = gw.importRoll(el, RollImportTest.HEADER + ",address\nann,etudiants,M,A,,,,12345678,x");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("detail")).contains("postalAddress");
  }
}
