package fr.sesame.gateway.roll;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The character set of one roll: UTF-8 (with or without a byte-order mark) or Windows-1252 (what Excel's plain
 * "CSV" saves on a French Windows), decided from the roll's own bytes as its lines stream past. One instance per
 * upload. Not thread-safe.
 *
 * <p>Why line by line, and no first chunk: the two charsets agree on ASCII, so a line of ASCII bytes reads the
 * same in both and decides nothing. The first line holding a byte over 0x7F decides for the whole roll: valid
 * UTF-8, the roll is UTF-8; not, it is Windows-1252. Accented Windows-1252 text is almost never valid UTF-8 by
 * accident (that takes sequences such as {@code Ã©}, which names do not hold), while UTF-8 text is always. Nothing
 * is buffered or read ahead, so the import keeps its streaming and its memory bound, and the decision rests on
 * the first accented name however deep in the file it lies; a first chunk of fixed size would miss a roll whose
 * accents start after it (a roll sorted by name), and could cut a UTF-8 character in two. Once decided the
 * charset holds: a later line that is not valid in it is rejected alone, as any malformed line is. A UTF-8
 * byte-order mark decides UTF-8 at once. The lines already written when the decision falls were ASCII, so they
 * read the same either way.
 */
final class RollCharset {
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private Charset decided; // null while every line has been ASCII
  private boolean byteOrderMark;

  /**
   * Reads the header line; a UTF-8 byte-order mark before it is dropped (and decides UTF-8).
   * @return the header's text, or empty when it is not valid text
   */
  Optional<String> header(byte[] line) {
    if (line.length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
      byteOrderMark = true;
      decided = StandardCharsets.UTF_8;
      byte[] rest = new byte[line.length - 3];
      System.arraycopy(line, 3, rest, 0, rest.length);
      return decode(rest);
    }
    return decode(line);
  }

  /**
   * @return true when the line starts with a UTF-16 byte-order mark (Excel's "Unicode text"): a {@code \n} is
   * two bytes there, so lines cut at 0x0A bytes would split characters; such a roll is refused with its reason
   */
  static boolean isUtf16(byte[] firstLine) {
    return firstLine.length >= 2 && ((firstLine[0] & 0xFF) == 0xFF && (firstLine[1] & 0xFF) == 0xFE
        || (firstLine[0] & 0xFF) == 0xFE && (firstLine[1] & 0xFF) == 0xFF);
  }

  /** @return the line's text, or empty when it is not valid in the roll's charset ({@link #invalidReason()}) */
  Optional<String> decode(byte[] line) {
    if (isAscii(line)) {
      return Optional.of(new String(line, StandardCharsets.US_ASCII));
    }
    if (decided == null) {
      decided = strict(StandardCharsets.UTF_8, line).isPresent() ? StandardCharsets.UTF_8 : WINDOWS_1252;
    }
    // Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined: a line holding one is refused, not guessed
    return strict(decided, line);
  }

  /** The reason a line that {@link #decode} refused is rejected. */
  String invalidReason() {
    return decided == WINDOWS_1252 ? "not valid Windows-1252 (the roll's first accented line was not UTF-8)"
        : "not valid UTF-8";
  }

  /** @return the name of the charset the roll was read in: {@code utf-8} (an all-ASCII roll too) or {@code windows-1252} */
  String name() {
    return decided == WINDOWS_1252 ? "windows-1252" : "utf-8";
  }

  /** @return true when the roll began with a UTF-8 byte-order mark */
  boolean byteOrderMark() {
    return byteOrderMark;
  }

  private static boolean isAscii(byte[] line) {
    for (byte b : line) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> strict(Charset charset, byte[] bytes) {
    try {
      return Optional.of(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
