package fr.sesame.gateway.election;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import fr.sesame.ratelimit.fraud.PhoneRules;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes an election's definition valid, shared by the admin API ({@code PUT /v1/admin/elections/{id}}) and
 * the organisers' console page: each front reads its own format (JSON, a form) into an {@link Input}, and this
 * decides. Every problem names the field it is about, a short key (the console's text for it) and an English
 * message (the API's detail).
 */
public final class ElectionRules {
  public static final int MAX_NAME = 200;
  public static final int MAX_COLLEGES = 100;
  public static final int MAX_COUNTRIES = 50;
  public static final int MAX_URL = 512;
  private static final Set<ChannelKind> CODE_CHANNELS = EnumSet.of(ChannelKind.SMS, ChannelKind.VOICE, ChannelKind.EMAIL);

  private ElectionRules() {}

  /** One college as given: its id, secret kind and channels as typed (checked here). */
  public record CollegeInput(String id, String secretKind, List<String> channels) {}

  /**
   * A definition as given; null where a field is absent.
   * @param graceMinutes null for the default ({@value Election#DEFAULT_GRACE_MINUTES})
   * @param phoneCountries null for the default (France with its overseas departments and territories)
   */
  public record Input(String name, OffsetDateTime opensAt, OffsetDateTime closesAt, Integer graceMinutes,
                      List<CollegeInput> colleges, List<String> phoneCountries, String platformUrl,
                      OffsetDateTime recourseEndsAt) {
    public Input(String name, OffsetDateTime opensAt, OffsetDateTime closesAt, Integer graceMinutes,
                 List<CollegeInput> colleges, List<String> phoneCountries, String platformUrl) {
      this(name, opensAt, closesAt, graceMinutes, colleges, phoneCountries, platformUrl, null);
    }
  }

  /**
   * A problem with one field.
   * @param field {@code name}, {@code opensAt}, {@code closesAt}, {@code graceMinutes}, {@code colleges},
   *              {@code colleges[i]} (its index in the input), {@code phoneCountries}, {@code platformUrl}
   * @param key   what is wrong, in a word the console turns into its text
   */
  public record Problem(String field, String key, String message) {}

  /** The election, or why not (then it is null and {@code problems} is not empty). */
  public record Checked(Election election, List<Problem> problems) {
    public boolean valid() {
      return election != null;
    }
  }

  public static Checked check(String electionId, Input in) {
    List<Problem> problems = new ArrayList<>();
    String name = in.name() == null ? "" : in.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      problems.add(new Problem("name", "name", "'name' must be 1 to " + MAX_NAME + " characters"));
    }
    if (in.opensAt() == null) {
      problems.add(new Problem("opensAt", "time", "'opensAt' must be a date and time"));
    }
    if (in.closesAt() == null) {
      problems.add(new Problem("closesAt", "time", "'closesAt' must be a date and time"));
    } else if (in.opensAt() != null && !in.closesAt().isAfter(in.opensAt())) {
      problems.add(new Problem("closesAt", "closesBeforeOpens", "'closesAt' must be after 'opensAt'"));
    }
    if (in.recourseEndsAt() != null && in.closesAt() != null && !in.recourseEndsAt().isAfter(in.closesAt())) {
      problems.add(new Problem("recourseEndsAt", "recourseBeforeClose", "'recourseEndsAt' must be after 'closesAt'"));
    }
    int grace = in.graceMinutes() == null ? Election.DEFAULT_GRACE_MINUTES : in.graceMinutes();
    if (grace < 0 || grace > Election.MAX_GRACE_MINUTES) {
      problems.add(new Problem("graceMinutes", "grace", "'graceMinutes' must be 0 to " + Election.MAX_GRACE_MINUTES));
    }
    Map<String, College> colleges = new LinkedHashMap<>();
    List<CollegeInput> cs = in.colleges() == null ? List.of() : in.colleges();
    if (cs.isEmpty() || cs.size() > MAX_COLLEGES) {
      problems.add(new Problem("colleges", "colleges", "'colleges' must be a list of 1 to " + MAX_COLLEGES
          + " colleges"));
    }
    for (int i = 0; i < cs.size() && i < MAX_COLLEGES; i++) {
      College c = college(cs.get(i), i, problems);
      if (c != null && colleges.put(c.id(), c) != null) {
        problems.add(new Problem("colleges[" + i + "]", "collegeTwice", "college '" + c.id() + "' is listed twice"));
      }
    }
    Set<String> regions = PhoneRules.FRANCE_WITH_OVERSEAS;
    if (in.phoneCountries() != null) {
      regions = new java.util.HashSet<>();
      if (in.phoneCountries().isEmpty() || in.phoneCountries().size() > MAX_COUNTRIES) {
        problems.add(new Problem("phoneCountries", "countries", "'phoneCountries' must list 1 to " + MAX_COUNTRIES
            + " country codes such as FR, RE, BE"));
      } else {
        for (String c : in.phoneCountries()) {
          if (c == null || !PhoneRules.knownRegion(c)) {
            problems.add(new Problem("phoneCountries", "countries",
                "'phoneCountries' must list country codes such as FR, RE, BE"));
            break;
          }
          regions.add(c);
        }
      }
    }
    String url = in.platformUrl() == null || in.platformUrl().isBlank() ? null : in.platformUrl().strip();
    if (url != null) {
      String why = url.length() > MAX_URL ? "must be at most " + MAX_URL + " characters"
          : fr.sesame.gateway.domain.WebAddress.refusal(url);
      if (why != null) {
        problems.add(new Problem("platformUrl", "url", "'platformUrl' " + why));
      }
    }
    if (!problems.isEmpty()) {
      return new Checked(null, List.copyOf(problems));
    }
    return new Checked(new Election(electionId, name, in.opensAt(), in.closesAt(), colleges, regions, url, grace,
        in.recourseEndsAt()),
        List.of());
  }

  private static College college(CollegeInput c, int i, List<Problem> problems) {
    String at = "colleges[" + i + "]";
    boolean ok = true;
    if (c.id() == null || !Election.ID.matcher(c.id()).matches()) {
      problems.add(new Problem(at, "collegeId", at + ".id must be 1 to 64 of A-Z a-z 0-9 _ -"));
      ok = false;
    }
    SecretKind kind = c.secretKind() == null ? null : SecretKind.parse(c.secretKind()).orElse(null);
    if (kind == null) {
      problems.add(new Problem(at, "secretKind", at + ".secretKind must be one of SISCOL, SSN_LAST4, IBAN_LAST5,"
          + " BIRTH_DATE"));
      ok = false;
    }
    Set<ChannelKind> channels = EnumSet.noneOf(ChannelKind.class);
    if (c.channels() == null || c.channels().isEmpty()) {
      problems.add(new Problem(at, "channels", at + ".otpChannels must list at least one of sms, voice, email"));
      return null;
    }
    for (String ch : c.channels()) {
      ChannelKind k = ch == null ? null : ChannelKind.fromWire(ch).orElse(null);
      if (k == null || !CODE_CHANNELS.contains(k)) {
        problems.add(new Problem(at, "channels", at + ".otpChannels must list only sms, voice, email"));
        return null;
      }
      channels.add(k);
    }
    return ok ? new College(c.id(), kind, channels) : null;
  }
}
