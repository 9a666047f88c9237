package fr.sesame.gateway.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RollCharsetTest {
  private static final Charset CP1252 = Charset.forName("windows-1252");

  @Test
  void asciiLinesDecideNothingAndReadAsUtf8() {
    RollCharset charset = new RollCharset();
    assertThat(charset.header("identifier,college".getBytes(StandardCharsets.US_ASCII))).hasValue("identifier,college");
    assertThat(charset.decode("a,b".getBytes(StandardCharsets.US_ASCII))).hasValue("a,b");
    assertThat(charset.name()).isEqualTo("utf-8");
    assertThat(charset.byteOrderMark()).isFalse();
    // still undecided: a Windows-1252 line is read as such
    assertThat(charset.decode("Lefèvre".getBytes(CP1252))).hasValue("Lefèvre");
    assertThat(charset.name()).isEqualTo("windows-1252");
  }

  @Test
  void theFirstNonAsciiLineDecidesForTheRestOfTheRoll() {
    RollCharset utf8 = new RollCharset();
    assertThat(utf8.decode("Françoise".getBytes(StandardCharsets.UTF_8))).hasValue("Françoise");
    assertThat(utf8.decode("Françoise".getBytes(CP1252))).isEmpty();
    assertThat(utf8.invalidReason()).isEqualTo("not valid UTF-8");
    assertThat(utf8.name()).isEqualTo("utf-8");

    RollCharset cp1252 = new RollCharset();
    assertThat(cp1252.decode("Garçon".getBytes(CP1252))).hasValue("Garçon");
    // UTF-8 bytes read in Windows-1252 are mojibake, not an error: the decision holds
    assertThat(cp1252.decode("é".getBytes(StandardCharsets.UTF_8))).hasValue("Ã©");
    assertThat(cp1252.decode(new byte[] {'a', (byte) 0x81})).as("undefined in Windows-1252").isEmpty();
    assertThat(cp1252.invalidReason()).startsWith("not valid Windows-1252");
  }

  @Test
  void aUtf8ByteOrderMarkIsDroppedAndDecidesUtf8() {
    RollCharset charset = new RollCharset();
    assertThat(charset.header(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'i', 'd'})).hasValue("id");
    assertThat(charset.byteOrderMark()).isTrue();
    assertThat(charset.decode("Hélène".getBytes(CP1252))).isEmpty();
    assertThat(charset.name()).isEqualTo("utf-8");
  }

  @Test
  void recognisesUtf16ByItsByteOrderMark() {
    assertThat(RollCharset.isUtf16(new byte[] {(byte) 0xFF, (byte) 0xFE, 'i', 0})).isTrue();
    assertThat(RollCharset.isUtf16(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, 'i'})).isTrue();
    assertThat(RollCharset.isUtf16("identifier".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(RollCharset.isUtf16(new byte[0])).isFalse();
  }
}
