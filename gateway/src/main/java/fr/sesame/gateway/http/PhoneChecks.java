package fr.sesame.gateway.http;

import fr.sesame.channels.ChannelKind;
import fr.sesame.ratelimit.fraud.PhoneRules;
import java.util.Set;

/** The fraud rules on a phone number a request brings, before anything costs money: 400 when refused. */
final class PhoneChecks {
  private PhoneChecks() {}

  /**
   * @param field   the request field, for the problem's detail
   * @param regions the countries whose numbers the election accepts
   * @param channel SMS or voice (other channels use no phone: nothing to check)
   */
  static void requireAllowed(String field, String phone, Set<String> regions, ChannelKind channel) {
    if (!channel.usesPhone()) {
      return;
    }
    PhoneRules.Verdict verdict = PhoneRules.check(phone, regions,
        channel == ChannelKind.SMS ? PhoneRules.Use.SMS : PhoneRules.Use.VOICE);
    if (verdict != PhoneRules.Verdict.OK) {
      throw JsonInput.invalid("'" + field + "' refused: " + verdict.reason());
    }
  }
}
