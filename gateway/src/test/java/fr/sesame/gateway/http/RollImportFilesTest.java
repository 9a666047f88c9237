package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rolls as organisers' spreadsheets save them (the files under {@code src/test/resources/rolls/}, byte for byte):
 * {@code ;} or {@code ,}, told by the header; UTF-8 with or without a byte-order mark, or Windows-1252, told by
 * the first accented line. Names must come out as they were written (checked in the émargement list).
 */
class RollImportFilesTest {
  static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret";
  @RegisterExtension
  static final TestGateway gw = new TestGateway();

  private static String openElection() {
    String el = TestGateway.newElectionId();
    gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    return el;
  }

  private static Http.Res importFile(String el, String name) throws IOException {
    try (InputStream in = RollImportFilesTest.class.getResourceAsStream("/rolls/" + name)) {
      assertThat(in).as(name).isNotNull();
      return importBytes(el, in.readAllBytes());
    }
  }

  private static Http.Res importBytes(String el, byte[] csv) {
    return gw.http.postRaw("/v1/admin/elections/" + el + "/voters", ADMIN, "text/csv", csv);
  }

  /** Logs the voter in, votes, and returns the émargement list, whose lines carry the names from the roll. */
  private static String voteAndList(String el, String identifier, String secret, String channel, String to) {
    String token = gw.fullLogin(el, identifier, secret, channel, to);
    assertThat(gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token)).status()).isEqualTo(201);
    return gw.http.get("/v1/elections/" + el + "/emargements", ADMIN).body();
  }

  @Test
  void readsFrenchExcelsSemicolonFileInWindows1252() throws IOException {
    String el = openElection();
    Http.Res r = importFile(el, "excel-fr-semicolon-windows-1252.csv");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getLong("imported")).as(r.body()).isEqualTo(5);
    assertThat(report.getLong("rejected")).isZero();
    assertThat(report.getString("encoding")).isEqualTo("windows-1252");
    assertThat(report.getString("separator")).isEqualTo(";");
    assertThat(report.getBoolean("byteOrderMark")).isFalse();

    // a comma inside a cell is no separator in a ';' roll
    assertThat(gw.status(el, "w2").json().getString("email")).isEqualTo("m***@u***.fr");
    // 15/06/1990 (French Excel's date) is the BIRTH_DATE secret
    assertThat(gw.login(el, "w4", "1990-06-15", "email").status()).isEqualTo(200);
    // é, è, ç were single bytes (0xE9, 0xE8, 0xE7): they come out as written
    voteAndList(el, "w3", "20230002", "sms", "+33698765432");
    String list = voteAndList(el, "w5", "4321", "email", "jerome@univ-test.fr");
    assertThat(list).contains("w3,Lefèvre,Françoise,etudiants,")
        .contains("w5,\"Garçon; dit \"\"le Grand\"\"\",Jérôme,personnels,");
  }

  @Test
  void readsExcelsUtf8FileWithAByteOrderMark() throws IOException {
    String el = openElection();
    Http.Res r = importFile(el, "excel-fr-utf8-bom.csv");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getLong("imported")).as(r.body()).isEqualTo(3);
    assertThat(report.getString("encoding")).isEqualTo("utf-8");
    assertThat(report.getBoolean("byteOrderMark")).isTrue();
    assertThat(report.getString("separator")).isEqualTo(";");
    assertThat(voteAndList(el, "u1", "20230002", "sms", "+33698765432")).contains("u1,Lefèvre,Françoise,etudiants,");
  }

  @Test
  void aUtf8FileWithoutAByteOrderMarkIsReadAsUtf8() {
    String el = openElection();
    JsonObject report = importBytes(el, (HEADER + "\r\nc1,etudiants,Lefèvre,Françoise,,,+33698765432,20230002\r\n")
        .getBytes(StandardCharsets.UTF_8)).json();
    assertThat(report.getLong("imported")).isEqualTo(1);
    assertThat(report.getString("encoding")).isEqualTo("utf-8");
    assertThat(report.getBoolean("byteOrderMark")).isFalse();
    assertThat(report.getString("separator")).isEqualTo(",");
    assertThat(voteAndList(el, "c1", "20230002", "sms", "+33698765432")).contains("c1,Lefèvre,Françoise,etudiants,");
  }

  /**
   * The first line with a byte over 0x7F decides: valid UTF-8 there, the roll is UTF-8 and a later line that is
   * not is rejected alone; not valid UTF-8 there, the roll is Windows-1252.
   */
  @Test
  void theFirstAccentedLineDecidesTheEncodingAndALineInvalidInItIsRejectedAlone() throws IOException {
    String utf8 = openElection();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((HEADER + "\na1,etudiants,A,A,,,,12345678\na2,etudiants,Chloé,A,,,,12345678\n")
        .getBytes(StandardCharsets.UTF_8));
    out.write("a3,etudiants,Hélène,A,,,,12345678\n".getBytes(Charset.forName("windows-1252"))); // 0xE9 alone
    out.write("a4,etudiants,D,A,,,,12345678\n".getBytes(StandardCharsets.UTF_8));
    JsonObject report = importBytes(utf8, out.toByteArray()).json();
    assertThat(report.getString("encoding")).isEqualTo("utf-8");
    assertThat(report.getLong("imported")).isEqualTo(3);
    assertThat(report.getJsonArray("rejections").getJsonObject(0).getLong("line")).isEqualTo(4);
    assertThat(report.getJsonArray("rejections").getJsonObject(0).getString("reason")).contains("not valid UTF-8");

    // the same shape, its first accented line not UTF-8 (0xC3 0x28): Windows-1252, where it reads "Ã("
    String cp1252 = openElection();
    out.reset();
    out.write((HEADER + "\nb1,etudiants,A,A,,,,12345678\nb2,etudiants,").getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {(byte) 0xC3, (byte) 0x28});
    out.write(",A,,,,12345678\nb3,etudiants,B,A,,,,12345678\nb4,etudiants,".getBytes(StandardCharsets.US_ASCII));
    out.write(0x81); // undefined in Windows-1252
    out.write(",A,,,,12345678\n".getBytes(StandardCharsets.US_ASCII));
    report = importBytes(cp1252, out.toByteArray()).json();
    assertThat(report.getString("encoding")).isEqualTo("windows-1252");
    assertThat(report.getLong("imported")).isEqualTo(3);
    assertThat(report.getJsonArray("rejections").getJsonObject(0).getLong("line")).isEqualTo(5);
    assertThat(report.getJsonArray("rejections").getJsonObject(0).getString("reason"))
        .contains("not valid Windows-1252");
  }

  /** The header tells the separator; a data line is never sniffed for one. */
  @Test
  void theSeparatorComesFromTheHeaderNeverFromADataLine() {
    String el = openElection();
    // ';' header: a line separated by ',' is one cell, rejected, not re-read
    JsonObject report = importBytes(el, (HEADER.replace(',', ';') + "\ns1;etudiants;A;A;;;;12345678\n"
        + "s2,etudiants,B,B,,,,12345678\n").getBytes(StandardCharsets.US_ASCII)).json();
    assertThat(report.getLong("imported")).isEqualTo(1);
    assertThat(report.getJsonArray("rejections").getJsonObject(0).getString("reason"))
        .isEqualTo("expected 8 columns, found 1");
    // ',' header: a ';' in a cell is text
    report = importBytes(el, (HEADER + "\ns3,etudiants,Martin;Durand,A,,,,12345678\n")
        .getBytes(StandardCharsets.US_ASCII)).json();
    assertThat(report.getLong("imported")).isEqualTo(1);
    assertThat(report.getString("separator")).isEqualTo(",");
    // the header's names may be quoted (as some spreadsheets write every text cell)
    report = importBytes(el, ("\"identifier\";\"college\";\"lastName\";\"firstName\";\"birthDate\";\"email\";"
        + "\"phone\";\"secret\"\r\n\"s4\";\"etudiants\";\"A\";\"A\";\"\";\"\";\"\";\"12345678\"\r\n")
        .getBytes(StandardCharsets.US_ASCII)).json();
    assertThat(report.getLong("imported")).isEqualTo(1);
    assertThat(report.getString("separator")).isEqualTo(";");
  }

  @Test
  void aHeaderOfNeitherSeparatorOrAUtf16FileIsRefusedWithTheReason() {
    String el = openElection();
    Http.Res tabs = importBytes(el, (HEADER.replace(',', '\t') + "\nt1\tetudiants\tA\tA\t\t\t\t12345678\n")
        .getBytes(StandardCharsets.US_ASCII));
    assertThat(tabs.status()).isEqualTo(400);
    assertThat(tabs.json().getString("detail")).contains(HEADER).contains("separated by ;");
    Http.Res utf16 = importBytes(el, utf16WithByteOrderMark(HEADER + "\nt2,etudiants,A,A,,,,12345678\n"));
    assertThat(utf16.status()).isEqualTo(400);
    assertThat(utf16.json().getString("detail")).contains("UTF-16");
    assertThat(gw.status(el, "t1").status()).isEqualTo(404);
    assertThat(gw.status(el, "t2").status()).isEqualTo(404);
  }

  /** What Excel's "Unicode text" saves: UTF-16LE after its byte-order mark. */
  private static byte[] utf16WithByteOrderMark(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xFE);
    out.writeBytes(text.getBytes(StandardCharsets.UTF_16LE));
    return out.toByteArray();
  }
}
