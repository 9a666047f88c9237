package fr.sesame.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The body of {@code PUT /v1/admin/elections/{electionId}}, validated. */
final class ElectionRequest {
  static final Set<String> FIELDS = Set.of("name", "opensAt", "closesAt", "colleges", "phoneCountries", "platformUrl");
  private static final Set<String> COLLEGE_FIELDS = Set.of("id", "secretKind", "otpChannels");
  private static final Set<ChannelKind> CODE_CHANNELS = EnumSet.of(ChannelKind.SMS, ChannelKind.VOICE, ChannelKind.EMAIL);

  private ElectionRequest() {}

  static Election parse(String electionId, JsonInput in) {
    String name = in.string("name", 200);
    OffsetDateTime opensAt = time(in, "opensAt");
    OffsetDateTime closesAt = time(in, "closesAt");
    if (!closesAt.isAfter(opensAt)) {
      throw JsonInput.invalid("'closesAt' must be after 'opensAt'");
    }
    JsonNode cs = in.node("colleges");
    if (cs == null || !cs.isArray() || cs.isEmpty() || cs.size() > 100) {
      throw JsonInput.invalid("'colleges' must be a list of 1 to 100 colleges");
    }
    Map<String, College> colleges = new LinkedHashMap<>();
    for (int i = 0; i < cs.size(); i++) {
      College c = college(cs.get(i), "colleges[" + i + "]");
      if (colleges.put(c.id(), c) != null) {
        throw JsonInput.invalid("college '" + c.id() + "' is listed twice");
      }
    }
    Set<String> regions = fr.sesame.ratelimit.fraud.PhoneRules.FRANCE_WITH_OVERSEAS;
    JsonNode pc = in.node("phoneCountries");
    if (pc != null && !pc.isNull()) {
      if (!pc.isArray() || pc.isEmpty() || pc.size() > 50) {
        throw JsonInput.invalid("'phoneCountries' must list 1 to 50 country codes such as FR, RE, BE");
      }
      regions = new java.util.HashSet<>();
      for (JsonNode c : pc) {
        if (!c.isTextual() || !fr.sesame.ratelimit.fraud.PhoneRules.knownRegion(c.textValue())) {
          throw JsonInput.invalid("'phoneCountries' must list country codes such as FR, RE, BE");
        }
        regions.add(c.textValue());
      }
    }
    String platformUrl = in.optionalString("platformUrl", 512);
    if (platformUrl != null) {
      String why = fr.sesame.gateway.oidc.RelyingParty.refusal(platformUrl);
      if (why != null) {
        throw JsonInput.invalid("'platformUrl' " + why);
      }
    }
    return new Election(electionId, name, opensAt, closesAt, colleges, regions, platformUrl);
  }

  private static College college(JsonNode c, String at) {
    if (c == null || !c.isObject()) {
      throw JsonInput.invalid(at + " must be an object");
    }
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!COLLEGE_FIELDS.contains(f)) {
        throw JsonInput.invalid(at + ": unknown field '" + (f.length() > 40 ? f.substring(0, 40) : f) + "'");
      }
    }
    JsonNode id = c.get("id");
    if (id == null || !id.isTextual() || !Election.ID.matcher(id.textValue()).matches()) {
      throw JsonInput.invalid(at + ".id must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    JsonNode kind = c.get("secretKind");
    SecretKind secretKind = kind != null && kind.isTextual() ? SecretKind.parse(kind.textValue()).orElse(null) : null;
    if (secretKind == null) {
      throw JsonInput.invalid(at + ".secretKind must be one of SISCOL, SSN_LAST4, IBAN_LAST5, BIRTH_DATE");
    }
    JsonNode chs = c.get("otpChannels");
    if (chs == null || !chs.isArray() || chs.isEmpty()) {
      throw JsonInput.invalid(at + ".otpChannels must list at least one of sms, voice, email");
    }
    Set<ChannelKind> channels = EnumSet.noneOf(ChannelKind.class);
    for (JsonNode ch : chs) {
      ChannelKind k = ch.isTextual() ? ChannelKind.fromWire(ch.textValue()).orElse(null) : null;
      if (k == null || !CODE_CHANNELS.contains(k)) {
        throw JsonInput.invalid(at + ".otpChannels must list only sms, voice, email");
      }
      channels.add(k);
    }
    return new College(id.textValue(), secretKind, channels);
  }

  private static OffsetDateTime time(JsonInput in, String field) {
    String s = in.string(field, 64);
    try {
      return OffsetDateTime.parse(s);
    } catch (DateTimeParseException e) {
      throw JsonInput.invalid("'" + field + "' must be an ISO-8601 date-time with an offset, e.g. 2026-12-01T08:00:00+01:00");
    }
  }
}
