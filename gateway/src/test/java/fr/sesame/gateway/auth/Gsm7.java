package fr.sesame.gateway.auth;

import java.util.OptionalInt;

/**
 * The GSM 7-bit default alphabet (3GPP TS 23.038, formerly GSM 03.38, § 6.2.1 and its extension table): what an
 * SMS can hold at 160 characters a segment instead of 70 in UCS-2.
 *
 * <p>Position 0x09 is the upper-case {@code Ç} in the specification; the Unicode consortium's mapping reads it
 * as the lower-case {@code ç} and carriers differ, so neither is taken here: a French SMS avoids both. The
 * lower-case {@code ê â î ô û ç ë ï} and the typographic apostrophe are not in the alphabet at all.
 */
final class Gsm7 {
  /** The basic table from 0x00 to 0x7F; 0x1B (escape) and 0x09 (Ç/ç) stand as {@code \0}: never encoded. */
  static final String BASIC = "@£$¥èéùìò\0\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\0ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  /** The extension table: each costs two septets (escape, then the character). */
  static final String EXTENSION = "\f^{}\\[~]|€";
  /** Septets in a lone SMS, and in each segment of a concatenated one (the rest carries the UDH). */
  static final int SINGLE = 160;
  static final int PER_SEGMENT = 153;

  private Gsm7() {}

  /** The septets {@code text} takes in GSM-7, or empty when some character forces UCS-2. */
  static OptionalInt septets(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\0' && BASIC.indexOf(c) >= 0) {
        n += 1;
      } else if (EXTENSION.indexOf(c) >= 0) {
        n += 2;
      } else {
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(n);
  }

  /** How many SMS {@code septets} of GSM-7 make. */
  static int segments(int septets) {
    return septets <= SINGLE ? 1 : (septets + PER_SEGMENT - 1) / PER_SEGMENT;
  }

  /** The characters of {@code text} that GSM-7 cannot hold, for a failure's message. */
  static String outside(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().filter(c -> c > 0xFFFF || septets(Character.toString(c)).isEmpty()).distinct()
        .forEach(out::appendCodePoint);
    return out.toString();
  }
}
