package fr.sesame.gateway.http.console;

import static fr.sesame.gateway.http.console.ConsoleKit.*;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionRules;
import fr.sesame.ratelimit.fraud.PhoneRules;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the election page's form holds: its values as typed, by field name, and its college rows; read from a post
 * or from a stored election, and checked with {@link ElectionRules} (times are Paris {@code datetime-local}).
 */
record ElectionForm(Map<String, String> values, List<ElectionForm.Row> rows) {
  /** College rows shown on a form (at least): blank rows are ignored. */
  static final int ROWS = 6;
  static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
  static final List<String> CHANNELS = List.of("sms", "voice", "email");

  record Row(String id, String kind, List<String> channels) {
    boolean blank() {
      return id == null && kind == null && channels.isEmpty();
    }
  }

  /** This form, with the stored opening and colleges where it sends none (the page of an opened election). */
  ElectionForm withStored(Election stored) {
    Map<String, String> v = new HashMap<>(values);
    v.putIfAbsent("opensAt", LOCAL.format(stored.opensAt().atZoneSameInstant(PARIS)));
    return new ElectionForm(v, rows.stream().allMatch(Row::blank) ? of(stored).rows() : rows);
  }

  /** The form as posted: every field trimmed (null when blank), college rows as long as some are posted. */
  static ElectionForm read(RoutingContext ctx) {
    Map<String, String> v = new HashMap<>();
    for (String f : List.of("id", "name", "opensAt", "closesAt", "graceMinutes", "platformUrl", "phoneCountries")) {
      String s = trimmed(first(ctx, f));
      if (s != null) {
        v.put(f, s.length() > 1000 ? s.substring(0, 1000) : s);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= ElectionRules.MAX_COLLEGES; i++) {
      String id = trimmed(first(ctx, "college" + i + "Id"));
      String kind = trimmed(first(ctx, "college" + i + "Kind"));
      List<String> channels = all(ctx, "college" + i + "Channels");
      if (id == null && kind == null && channels.isEmpty() && i > ROWS && first(ctx, "college" + i + "Id") == null) {
        break;
      }
      rows.add(new Row(id, kind, channels.size() > 3 ? channels.subList(0, 3) : channels));
    }
    return new ElectionForm(v, rows);
  }

  static ElectionForm of(Election e) {
    Map<String, String> v = new HashMap<>();
    v.put("name", e.name());
    v.put("opensAt", LOCAL.format(e.opensAt().atZoneSameInstant(PARIS)));
    v.put("closesAt", LOCAL.format(e.closesAt().atZoneSameInstant(PARIS)));
    v.put("graceMinutes", Integer.toString(e.graceMinutes()));
    if (e.platformUrl() != null) {
      v.put("platformUrl", e.platformUrl());
    }
    if (!e.phoneRegions().equals(PhoneRules.FRANCE_WITH_OVERSEAS)) {
      v.put("phoneCountries", String.join(", ", new TreeSet<>(e.phoneRegions())));
    }
    List<Row> rows = new ArrayList<>();
    for (College c : e.colleges().values()) {
      List<String> channels = new ArrayList<>();
      CHANNELS.forEach(ch -> {
        if (c.otpChannels().contains(ChannelKind.fromWire(ch).orElseThrow())) {
          channels.add(ch);
        }
      });
      rows.add(new Row(c.id(), c.secretKind().name(), channels));
    }
    return new ElectionForm(v, rows);
  }

  /**
   * The election the form defines, through {@link ElectionRules}; each problem put in {@code errors}: the form's
   * field (a college row is {@code college<N>}) → the key of its text.
   */
  Optional<Election> check(String electionId, Map<String, String> errors) {
    Map<String, String> v = values;
    OffsetDateTime opensAt = local(v.get("opensAt"));
    OffsetDateTime closesAt = local(v.get("closesAt"));
    Integer grace = null;
    if (v.get("graceMinutes") != null) {
      try {
        grace = Integer.parseInt(v.get("graceMinutes"));
      } catch (NumberFormatException e) {
        grace = -1;
      }
    }
    List<ElectionRules.CollegeInput> colleges = new ArrayList<>();
    List<Integer> rowOf = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (!r.blank()) {
        colleges.add(new ElectionRules.CollegeInput(r.id(), r.kind(), r.channels()));
        rowOf.add(i + 1);
      }
    }
    List<String> countries = null;
    if (v.get("phoneCountries") != null) {
      countries = new ArrayList<>();
      for (String c : v.get("phoneCountries").split("[\\s,;]+")) {
        if (!c.isEmpty()) {
          countries.add(c.toUpperCase(java.util.Locale.ROOT));
        }
      }
    }
    ElectionRules.Checked checked = ElectionRules.check(electionId, new ElectionRules.Input(v.get("name"), opensAt,
        closesAt, grace, colleges, countries, v.get("platformUrl")));
    for (ElectionRules.Problem p : checked.problems()) {
      String field = p.field();
      if (field.equals("colleges")) {
        field = "college1";
      } else if (field.startsWith("colleges[")) {
        field = "college" + rowOf.get(Integer.parseInt(field.substring(9, field.length() - 1)));
      }
      errors.putIfAbsent(field, "c.el.err." + p.key());
    }
    return Optional.ofNullable(checked.election());
  }

  /** A {@code datetime-local} value in Paris time; null when it is not one. */
  static OffsetDateTime local(String value) {
    if (value == null || value.length() > 32) {
      return null;
    }
    try {
      return LocalDateTime.parse(value).atZone(PARIS).toOffsetDateTime();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** At least {@link #ROWS}, and one blank row after the last filled one (to add a college), within the limit. */
  int rowCount() {
    int last = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).blank()) {
        last = i + 1;
      }
    }
    return Math.min(ElectionRules.MAX_COLLEGES, Math.max(ROWS, last + 1));
  }

  /**
   * The form shows times to the minute: a time given in the same minute as the stored one is the stored one (an
   * election defined through the API may open at 08:00:30; saving its name must not move it).
   */
  static Election keepSeconds(Election after, Election before) {
    OffsetDateTime opens = sameMinute(after.opensAt(), before.opensAt()) ? before.opensAt() : after.opensAt();
    OffsetDateTime closes = sameMinute(after.closesAt(), before.closesAt()) ? before.closesAt() : after.closesAt();
    return new Election(after.id(), after.name(), opens, closes, after.colleges(), after.phoneRegions(),
        after.platformUrl(), after.graceMinutes(),
        after.recourseEndsAt() != null ? after.recourseEndsAt() : before.recourseEndsAt());
  }

  private static boolean sameMinute(OffsetDateTime a, OffsetDateTime b) {
    return a.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
        .equals(b.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
  }
}
