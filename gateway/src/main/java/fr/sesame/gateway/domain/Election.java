package fr.sesame.gateway.domain;

import fr.sesame.channels.ChannelKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One election (scrutin). Everything about it is kept apart from other elections; nothing of one election is
 * readable or usable through another.
 *
 * @param id       URL-safe identifier, 1 to 64 of {@code A-Z a-z 0-9 _ -}
 * @param name     display name
 * @param opensAt  voters may log in from then
 * @param closesAt until then (exclusive)
 * @param colleges by id, in the order given
 * @param phoneRegions the countries (ISO codes, as libphonenumber names them) whose numbers may receive codes;
 *                 default France with its overseas departments and territories
 * @param platformUrl where voters vote (the voting platform's address), sent with their access information by a
 *                 réassort; null when not given
 * @param graceMinutes after {@code closesAt}, a session opened before it may still record its émargement for
 *                 this many minutes (0 to {@value #MAX_GRACE_MINUTES}; default {@value #DEFAULT_GRACE_MINUTES});
 *                 no login starts after {@code closesAt}
 * @param recourseEndsAt the end of the recourse period (the election's data are kept until then, and may be
 *                 destroyed after it and after the logs' {@value #LOG_RETENTION_DAYS} days); null for the default,
 *                 {@code closesAt} plus {@value #DEFAULT_RECOURSE_MONTHS} months ({@link #recourseEnd()})
 */
public record Election(String id, String name, OffsetDateTime opensAt, OffsetDateTime closesAt,
                       Map<String, College> colleges, java.util.Set<String> phoneRegions, String platformUrl,
                       int graceMinutes, OffsetDateTime recourseEndsAt) {
  public static final int DEFAULT_GRACE_MINUTES = 20;
  public static final int MAX_GRACE_MINUTES = 120;
  /** The default recourse period after the close, in months. */
  public static final int DEFAULT_RECOURSE_MONTHS = 3;
  /** How long the logs (the audit trail) are kept after the close, in days (public-service notice). */
  public static final int LOG_RETENTION_DAYS = 180;

  public Election(String id, String name, OffsetDateTime opensAt, OffsetDateTime closesAt,
                  Map<String, College> colleges, java.util.Set<String> phoneRegions, String platformUrl,
                  int graceMinutes) {
    this(id, name, opensAt, closesAt, colleges, phoneRegions, platformUrl, graceMinutes, null);
  }

  public Election(String id, String name, OffsetDateTime opensAt, OffsetDateTime closesAt,
                  Map<String, College> colleges, java.util.Set<String> phoneRegions, String platformUrl) {
    this(id, name, opensAt, closesAt, colleges, phoneRegions, platformUrl, DEFAULT_GRACE_MINUTES);
  }

  public Election(String id, String name, OffsetDateTime opensAt, OffsetDateTime closesAt,
                  Map<String, College> colleges, java.util.Set<String> phoneRegions) {
    this(id, name, opensAt, closesAt, colleges, phoneRegions, null);
  }

  /** What an election, college or voter identifier may be made of. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public Election {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(opensAt, "opensAt");
    Objects.requireNonNull(closesAt, "closesAt");
    colleges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(colleges));
    phoneRegions = java.util.Set.copyOf(phoneRegions);
    if (graceMinutes < 0 || graceMinutes > MAX_GRACE_MINUTES) {
      throw new IllegalArgumentException("graceMinutes must be 0.." + MAX_GRACE_MINUTES);
    }
    if (recourseEndsAt != null && !recourseEndsAt.isAfter(closesAt)) {
      throw new IllegalArgumentException("recourseEndsAt must be after closesAt");
    }
  }

  /** The end of the recourse period: {@code recourseEndsAt}, or {@code closesAt} plus the default months. */
  public Instant recourseEnd() {
    return (recourseEndsAt != null ? recourseEndsAt : closesAt.plusMonths(DEFAULT_RECOURSE_MONTHS)).toInstant();
  }

  /** The end of the logs' retention: {@code closesAt} plus {@value #LOG_RETENTION_DAYS} days. */
  public Instant logsKeptUntil() {
    return closesAt.toInstant().plus(java.time.Duration.ofDays(LOG_RETENTION_DAYS));
  }

  /** From when every trace of the election may be destroyed: the later of the two retention ends. */
  public Instant destroyableFrom() {
    Instant r = recourseEnd();
    Instant l = logsKeptUntil();
    return r.isAfter(l) ? r : l;
  }

  public Election(String id, String name, OffsetDateTime opensAt, OffsetDateTime closesAt,
                  Map<String, College> colleges) {
    this(id, name, opensAt, closesAt, colleges, fr.sesame.ratelimit.fraud.PhoneRules.FRANCE_WITH_OVERSEAS);
  }

  /** Whether a login may start (or go on) at {@code now}: from {@code opensAt} until {@code closesAt}. */
  public boolean isOpenAt(Instant now) {
    return !now.isBefore(opensAt.toInstant()) && now.isBefore(closesAt.toInstant());
  }

  /** The end of the grace period: {@code closesAt} plus {@code graceMinutes}. */
  public Instant graceEndsAt() {
    return closesAt.toInstant().plusSeconds(60L * graceMinutes);
  }

  /**
   * Whether a session opened at {@code sessionOpenedAt} may record its émargement at {@code now}: while the
   * election is open, and during the grace period after its close for a session opened before the close.
   */
  public boolean acceptsEmargement(Instant now, Instant sessionOpenedAt) {
    if (now.isBefore(opensAt.toInstant()) || !now.isBefore(graceEndsAt())) {
      return false;
    }
    return now.isBefore(closesAt.toInstant()) || sessionOpenedAt.isBefore(closesAt.toInstant());
  }

  public Optional<College> college(String collegeId) {
    return Optional.ofNullable(colleges.get(collegeId));
  }

  /** @return every channel some college allows */
  public java.util.Set<ChannelKind> anyChannel() {
    java.util.Set<ChannelKind> all = java.util.EnumSet.noneOf(ChannelKind.class);
    colleges.values().forEach(c -> all.addAll(c.otpChannels()));
    return all;
  }

  /** @return ",a,b," — the colleges allowing {@code channel}, as the Lua scripts test membership */
  public Set<String> collegesAllowing(ChannelKind channel) {
    Set<String> ids = new TreeSet<>();
    colleges.values().stream().filter(c -> c.otpChannels().contains(channel)).forEach(c -> ids.add(c.id()));
    return ids;
  }

  public JsonObject toJson() {
    JsonArray cs = new JsonArray();
    for (College c : colleges.values()) {
      JsonArray channels = new JsonArray();
      new TreeSet<>(c.otpChannels()).forEach(k -> channels.add(k.wireName()));
      cs.add(new JsonObject().put("id", c.id()).put("secretKind", c.secretKind().name()).put("otpChannels", channels));
    }
    return new JsonObject().put("id", id).put("name", name).put("opensAt", opensAt.toString())
        .put("closesAt", closesAt.toString()).put("colleges", cs)
        .put("phoneCountries", new JsonArray(new java.util.ArrayList<>(new TreeSet<>(phoneRegions))))
        .put("platformUrl", platformUrl).put("graceMinutes", graceMinutes)
        .put("recourseEndsAt", recourseEndsAt == null ? null : recourseEndsAt.toString());
  }

  /** Reads what {@link #toJson} wrote (stored data: trusted). */
  public static Election fromJson(JsonObject json) {
    Map<String, College> colleges = new LinkedHashMap<>();
    for (Object o : json.getJsonArray("colleges")) {
      JsonObject c = (JsonObject) o;
      List<ChannelKind> channels = new ArrayList<>();
      for (Object ch : c.getJsonArray("otpChannels")) {
        channels.add(ChannelKind.fromWire((String) ch).orElseThrow());
      }
      colleges.put(c.getString("id"), new College(c.getString("id"),
          SecretKind.valueOf(c.getString("secretKind")), java.util.Set.copyOf(channels)));
    }
    JsonArray regions = json.getJsonArray("phoneCountries");
    java.util.Set<String> phoneRegions = regions == null ? fr.sesame.ratelimit.fraud.PhoneRules.FRANCE_WITH_OVERSEAS
        : regions.stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet());
    return new Election(json.getString("id"), json.getString("name"),
        OffsetDateTime.parse(json.getString("opensAt")), OffsetDateTime.parse(json.getString("closesAt")), colleges,
        phoneRegions, json.getString("platformUrl"), json.getInteger("graceMinutes", DEFAULT_GRACE_MINUTES),
        json.getString("recourseEndsAt") == null ? null : OffsetDateTime.parse(json.getString("recourseEndsAt")));
  }
}
