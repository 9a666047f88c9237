package fr.sesame.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionRules;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code PUT /v1/admin/elections/{electionId}}: its JSON shapes are read here, its rules are
 * {@link ElectionRules}' (the console's election page applies the same).
 */
final class ElectionRequest {
  static final Set<String> FIELDS = Set.of("name", "opensAt", "closesAt", "graceMinutes", "colleges",
      "phoneCountries", "platformUrl", "recourseEndsAt");
  private static final Set<String> COLLEGE_FIELDS = Set.of("id", "secretKind", "otpChannels");

  private ElectionRequest() {}

  static Election parse(String electionId, JsonInput in) {
    String name = in.string("name", ElectionRules.MAX_NAME);
    OffsetDateTime opensAt = time(in, "opensAt");
    OffsetDateTime closesAt = time(in, "closesAt");
    Integer grace = null;
    JsonNode g = in.node("graceMinutes");
    if (g != null && !g.isNull()) {
      if (!g.isIntegralNumber() || !g.canConvertToInt()) {
        throw JsonInput.invalid("'graceMinutes' must be a whole number of minutes, 0 to " + Election.MAX_GRACE_MINUTES);
      }
      grace = g.intValue();
    }
    JsonNode cs = in.node("colleges");
    if (cs == null || !cs.isArray() || cs.isEmpty() || cs.size() > ElectionRules.MAX_COLLEGES) {
      throw JsonInput.invalid("'colleges' must be a list of 1 to 100 colleges");
    }
    List<ElectionRules.CollegeInput> colleges = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      colleges.add(college(cs.get(i), "colleges[" + i + "]"));
    }
    List<String> countries = null;
    JsonNode pc = in.node("phoneCountries");
    if (pc != null && !pc.isNull()) {
      if (!pc.isArray()) {
        throw JsonInput.invalid("'phoneCountries' must list 1 to 50 country codes such as FR, RE, BE");
      }
      countries = new ArrayList<>();
      for (JsonNode c : pc) {
        countries.add(c.isTextual() ? c.textValue() : null);
      }
    }
    String platformUrl = in.optionalString("platformUrl", ElectionRules.MAX_URL);
    OffsetDateTime recourseEndsAt = in.node("recourseEndsAt") == null || in.node("recourseEndsAt").isNull() ? null
        : time(in, "recourseEndsAt");
    ElectionRules.Checked checked = ElectionRules.check(electionId, new ElectionRules.Input(name, opensAt, closesAt,
        grace, colleges, countries, platformUrl, recourseEndsAt));
    if (!checked.valid()) {
      throw JsonInput.invalid(checked.problems().get(0).message());
    }
    return checked.election();
  }

  private static ElectionRules.CollegeInput college(JsonNode c, String at) {
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
    JsonNode kind = c.get("secretKind");
    JsonNode chs = c.get("otpChannels");
    List<String> channels = null;
    if (chs != null && chs.isArray()) {
      channels = new ArrayList<>();
      for (JsonNode ch : chs) {
        channels.add(ch.isTextual() ? ch.textValue() : null);
      }
    }
    return new ElectionRules.CollegeInput(id != null && id.isTextual() ? id.textValue() : null,
        kind != null && kind.isTextual() ? kind.textValue() : null, channels);
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
